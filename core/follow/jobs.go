// Package follow keeps the Jenkins jobs regtracker remembers (the app's wizard and
// `regtracker-cli jenkins` remember them in one file) and fetches the new builds of the
// followed ones, in one round or in a loop that backs off a job that fails.
package follow

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/regtracker/regtracker/core"
)

// DefaultEvery is how often a followed job is fetched when it says nothing else.
const DefaultEvery = 10 * time.Minute

// Job is a remembered Jenkins job: where it is, how to reach it, and the module its
// builds become jobs of. Its token is kept apart, in the credentials store.
type Job struct {
	Server   string   `json:"server"`
	User     string   `json:"user,omitempty"`
	Job      string   `json:"job"`  // FOLDER/.../JOB
	Into     string   `json:"into"` // RELEASE/MODULE
	Glob     string   `json:"glob,omitempty"`
	CAFile   string   `json:"ca_file,omitempty"`
	Insecure bool     `json:"insecure,omitempty"`
	Follow   bool     `json:"follow,omitempty"`
	Every    Interval `json:"every,omitempty"` // 0: DefaultEvery
	// Waiting are builds that were still running at the last fetch while a newer one
	// was imported: the next fetch asks for them by number, as "newer than the module's
	// last job" no longer selects them.
	Waiting []int64 `json:"waiting,omitempty"`
}

// Name says which job this is, for people: "team/vpn on https://ci.example.com".
func (j Job) Name() string { return j.Job + " on " + j.Server }

// Module is the module the job's builds go to.
func (j Job) Module() (core.ModuleRef, error) { return core.ParseModuleRef(j.Into) }

// Interval returns how often the job is fetched.
func (j Job) Interval() time.Duration {
	if j.Every <= 0 {
		return DefaultEvery
	}
	return time.Duration(j.Every)
}

func (j Job) same(o Job) bool { return j.Server == o.Server && j.Job == o.Job }

// Interval is a duration written as people write it in JSON ("10m0s").
type Interval time.Duration

func (d Interval) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

func (d *Interval) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Interval(v)
	return nil
}

// List is the file of remembered jobs, jenkins-jobs.json in the app's config directory,
// shared by the app and the command line. Writes replace the file whole.
type List struct {
	path string
	mu   sync.Mutex
}

// FileName is the list's file in the config directory.
const FileName = "jenkins-jobs.json"

// Open returns the list kept in dir (credentials.DefaultDir in the programs).
func Open(dir string) *List { return &List{path: filepath.Join(dir, FileName)} }

// Path is the list's file.
func (l *List) Path() string { return l.path }

// Jobs returns the remembered jobs in the order they were first remembered.
func (l *List) Jobs() ([]Job, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.read()
}

func (l *List) read() ([]Job, error) {
	data, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var jobs []Job
	if err := json.Unmarshal(data, &jobs); err != nil {
		return nil, fmt.Errorf("%s: %w", l.path, err)
	}
	return jobs, nil
}

// Remember keeps j, replacing the job of the same server and path, whose follow switch
// and interval it keeps.
func (l *List) Remember(j Job) error {
	return l.update(func(jobs []Job) []Job {
		if i := slices.IndexFunc(jobs, j.same); i >= 0 {
			j.Follow, j.Every, j.Waiting = jobs[i].Follow, jobs[i].Every, jobs[i].Waiting
			jobs[i] = j
			return jobs
		}
		return append(jobs, j)
	})
}

// SetWaiting keeps the builds of the remembered job on server at path that the next
// fetch asks for by number (see Job.Waiting).
func (l *List) SetWaiting(server, path string, builds []int64) error {
	return l.update(func(jobs []Job) []Job {
		for i := range jobs {
			if jobs[i].Server == server && jobs[i].Job == path {
				jobs[i].Waiting = builds
			}
		}
		return jobs
	})
}

// SetFollow turns following of the remembered job on server at path on or off, fetched
// every every (0: DefaultEvery).
func (l *List) SetFollow(server, path string, on bool, every time.Duration) error {
	found := false
	err := l.update(func(jobs []Job) []Job {
		for i := range jobs {
			if jobs[i].Server == server && jobs[i].Job == path {
				jobs[i].Follow, jobs[i].Every, found = on, Interval(every), true
			}
		}
		return jobs
	})
	if err == nil && !found {
		err = fmt.Errorf("%s on %s is not a remembered Jenkins job", path, server)
	}
	return err
}

func (l *List) update(change func([]Job) []Job) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	jobs, err := l.read()
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(change(jobs), "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(l.path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(l.path), ".jenkins-jobs-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), l.path)
}
