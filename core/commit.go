package core

import "time"

// Commit is one change of the source that entered with a job: from the git clone the
// reports were built from, or from the Jenkins build's change sets.
type Commit struct {
	ID      string    `json:"id"`
	Author  string    `json:"author"`
	Time    time.Time `json:"time"`
	Message string    `json:"message"`
	Paths   []string  `json:"paths"`
	// Build is the Jenkins build that brought it, 0 when not known.
	Build int64 `json:"build,omitempty"`
}
