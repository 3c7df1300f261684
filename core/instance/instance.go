// Package instance keeps one running app per database, as desktop apps do: the first
// launch on a database listens on a socket in the user's runtime directory; a later
// launch on the same database hands its arguments (reports to import) to the running one
// and exits, instead of opening a second window on the same file.
package instance

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// ErrHandedOver is Claim's answer when another instance runs on the database and took
// the arguments.
var ErrHandedOver = errors.New("handed over to the running instance")

// replyTimeout bounds how long a launch waits for the running instance to answer (a
// variable for tests).
var replyTimeout = 5 * time.Second

// Message is what a later launch hands over.
type Message struct {
	// Paths are the reports named on its command line, absolute.
	Paths []string `json:"paths"`
	PID   int      `json:"pid"`
}

// Instance is the running instance of one database: it receives later launches'
// messages until Close.
type Instance struct {
	ln net.Listener

	mu     sync.Mutex
	closed bool
}

// Dir is where the sockets are: $XDG_RUNTIME_DIR/regtracker, else a folder of the user's
// own in the temporary directory; on Windows the local application data's.
func Dir() (string, error) {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" && runtime.GOOS != "windows" {
		return filepath.Join(d, "regtracker"), nil
	}
	if runtime.GOOS == "windows" {
		d, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(d, "regtracker", "run"), nil
	}
	return filepath.Join(os.TempDir(), "regtracker-"+strconv.Itoa(os.Getuid())), nil
}

// socketPath is the socket of database db (a file path or a server's URL) in dir.
func socketPath(dir, db string) string {
	key := db
	if abs, err := filepath.Abs(db); err == nil && !isURL(db) {
		key = abs
	}
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(dir, hex.EncodeToString(sum[:8])+".sock")
}

func isURL(s string) bool {
	for _, p := range []string{"postgres://", "postgresql://"} {
		if len(s) >= len(p) && s[:len(p)] == p {
			return true
		}
	}
	return false
}

// Claim makes this process the running instance of database db, in dir (see Dir). When
// another instance already runs on db, Claim hands paths (made absolute) to it, and
// returns ErrHandedOver once it answered. A socket left by an instance that died is
// taken over.
func Claim(dir, db string, paths []string) (*Instance, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("the single-instance socket's folder: %w", err)
	}
	sock := socketPath(dir, db)
	msg := Message{PID: os.Getpid()}
	for _, p := range paths {
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		msg.Paths = append(msg.Paths, p)
	}
	for attempt := 0; ; attempt++ {
		ln, err := net.Listen("unix", sock)
		if err == nil {
			return &Instance{ln: ln}, nil
		}
		if attempt > 0 {
			return nil, fmt.Errorf("the single-instance socket %s: %w", sock, err)
		}
		err = handOver(sock, msg)
		if err == nil {
			return nil, ErrHandedOver
		}
		var running *noAnswerError
		if errors.As(err, &running) {
			return nil, err
		}
		// Nobody listens: a socket left behind by an instance that died.
		os.Remove(sock)
	}
}

// noAnswerError: an instance accepted the connection but did not answer.
type noAnswerError struct{ err error }

func (e *noAnswerError) Error() string {
	return fmt.Sprintf("another regtracker runs on this database but does not answer (%v): close it, or wait and try again", e.err)
}

func handOver(sock string, msg Message) error {
	c, err := net.DialTimeout("unix", sock, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(replyTimeout))
	if err := json.NewEncoder(c).Encode(msg); err != nil {
		return &noAnswerError{err}
	}
	reply, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return &noAnswerError{err}
	}
	if reply != "ok\n" {
		return &noAnswerError{fmt.Errorf("it answered %q", reply)}
	}
	return nil
}

// Serve calls handle with each message from a later launch, one at a time, until Close.
// handle should return quickly (hand the work to the UI goroutine).
func (in *Instance) Serve(handle func(Message)) {
	for {
		c, err := in.ln.Accept()
		if err != nil {
			in.mu.Lock()
			closed := in.closed
			in.mu.Unlock()
			if closed {
				return
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		in.receive(c, handle)
	}
}

func (in *Instance) receive(c net.Conn, handle func(Message)) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(replyTimeout))
	var msg Message
	if err := json.NewDecoder(bufio.NewReader(c)).Decode(&msg); err != nil {
		return
	}
	handle(msg)
	c.Write([]byte("ok\n"))
}

// Close stops listening and removes the socket.
func (in *Instance) Close() error {
	in.mu.Lock()
	in.closed = true
	in.mu.Unlock()
	return in.ln.Close() // a unix listener removes its socket file when closed
}
