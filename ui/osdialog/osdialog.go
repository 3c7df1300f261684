// Package osdialog shows the system's file dialogs (github.com/sqweek/dialog: GTK on
// Linux, the common dialogs on Windows) in a child process: the app run again, which
// shows one dialog, prints the answer and exits.
//
// Why a child: a file dialog opens and reads the files of the folders it shows, to guess
// their types (GTK's chooser opens regtracker.db, its -wal and its -shm, reads them and
// closes them). In the process that has the database open, closing any descriptor of a
// file releases every POSIX lock the process holds on it, including SQLite's; another
// process then believes it is the last user, removes the write-ahead log at its close,
// and from then on the two write to different logs and commits are lost (issue 25,
// DESIGN.md "The database's files"). A child's descriptors are its own.
package osdialog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	native "github.com/sqweek/dialog"
)

// ErrCancelled is the answer when the user closed the dialog without choosing.
var ErrCancelled = errors.New("cancelled")

// Kind is what a dialog asks for.
type Kind string

const (
	Open   Kind = "open"   // an existing file
	Folder Kind = "folder" // an existing folder
	Save   Kind = "save"   // a file to write, new or not
)

// Request is one dialog.
type Request struct {
	Kind  Kind
	Title string
	// Filter, for Open: a description and the extensions it shows ("xml", "gz").
	Filter     string   `json:",omitempty"`
	Extensions []string `json:",omitempty"`
	StartDir   string   `json:",omitempty"`
	StartFile  string   `json:",omitempty"` // Save: the suggested file name
}

// answer is what the child prints on its standard output.
type answer struct {
	Path      string `json:",omitempty"`
	Cancelled bool   `json:",omitempty"`
	Error     string `json:",omitempty"`
}

// childEnv carries the request to the child (no secrets are ever in it).
const childEnv = "REGTRACKER_OS_DIALOG"

// Show shows req's dialog in a child process and returns the path chosen, ErrCancelled
// when none was, or why the dialog could not be shown (then a caller falls back to the
// toolkit's own dialog). Cancelling ctx closes the dialog.
func Show(ctx context.Context, req Request) (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding this program to show the dialog: %w", err)
	}
	data, err := json.Marshal(req)
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), childEnv+"="+string(data))
	var stdout bytes.Buffer
	var stderr tail
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var a answer
	if err := json.Unmarshal(stdout.Bytes(), &a); err != nil {
		if ctx.Err() != nil {
			return "", ErrCancelled
		}
		return "", fmt.Errorf("the system's file dialog failed: %v: %s", runErr, strings.TrimSpace(stderr.String()))
	}
	switch {
	case a.Cancelled:
		return "", ErrCancelled
	case a.Error != "":
		return "", fmt.Errorf("the system's file dialog failed: %s", a.Error)
	}
	return a.Path, nil
}

// tail keeps the last 4 KiB written to it: a toolkit's warnings, for an error's message,
// without growing while a dialog stays open for hours.
type tail struct{ b []byte }

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if over := len(t.b) - 4<<10; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.b) }

// ServeIfChild shows the dialog and exits when this process was started by Show; it
// returns at once otherwise. The app's main calls it before anything else.
func ServeIfChild() {
	req := os.Getenv(childEnv)
	if req == "" {
		return
	}
	os.Exit(serve(req, os.Stdout))
}

func serve(reqJSON string, out io.Writer) int {
	var req Request
	var a answer
	if err := json.Unmarshal([]byte(reqJSON), &req); err != nil {
		a.Error = fmt.Sprintf("reading the request: %v", err)
	} else {
		path, err := show(req)
		switch {
		case errors.Is(err, native.ErrCancelled):
			a.Cancelled = true
		case err != nil:
			a.Error = err.Error()
		default:
			a.Path = path
		}
	}
	json.NewEncoder(out).Encode(a)
	if a.Error != "" {
		return 1
	}
	return 0
}

// show runs the dialog in this process, turning a crash of the toolkit into an error.
func show(req Request) (path string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	switch req.Kind {
	case Open:
		b := native.File().Title(req.Title)
		if len(req.Extensions) > 0 {
			b = b.Filter(req.Filter, req.Extensions...)
		}
		if req.StartDir != "" {
			b = b.SetStartDir(req.StartDir)
		}
		return b.Load()
	case Save:
		b := native.File().Title(req.Title)
		if req.StartDir != "" {
			b = b.SetStartDir(req.StartDir)
		}
		if req.StartFile != "" {
			b = b.SetStartFile(req.StartFile)
		}
		return b.Save()
	case Folder:
		b := native.Directory().Title(req.Title)
		if req.StartDir != "" {
			b = b.SetStartDir(req.StartDir)
		}
		return b.Browse()
	}
	return "", fmt.Errorf("unknown dialog kind %q", req.Kind)
}
