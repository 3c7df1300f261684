// Package applog is regtracker's structured log file: JSON lines written with log/slog
// (import phases, timings, errors), readable only by the user, and kept under a size
// limit by moving the full file aside once.
package applog

import (
	"bufio"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// MaxBytes is the size past which the log is moved to PATH.1 and started afresh.
const MaxBytes = 5 << 20

// DefaultPath is the log beside the default database.
func DefaultPath(databasePath string) string {
	return filepath.Join(filepath.Dir(databasePath), "regtracker.log")
}

// Open returns a logger appending to the file at path, at level.
func Open(path string, level slog.Level) (*slog.Logger, io.Closer, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, err
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() > MaxBytes {
		os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, err
	}
	w := &lockedWriter{w: f}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})), f, nil
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Tail returns the last n lines of the log at path (none when it does not exist).
func Tail(path string, n int) ([]string, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The log is bounded (MaxBytes), but read only its end.
	if fi, err := f.Stat(); err == nil && fi.Size() > 256<<10 {
		f.Seek(-256<<10, io.SeekEnd)
	}
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return lines, sc.Err()
}

// Discard is a logger that writes nothing.
var Discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// Level parses "debug", "info", "warn" or "error".
func Level(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return slog.LevelInfo
	}
	return l
}
