package core

import "errors"

// Errors callers tell apart with errors.Is.
var (
	// ErrJobExists: the job is already imported and replacing it was not asked for.
	ErrJobExists = errors.New("job already exists")
	// ErrNotFound: the release, module or job named does not exist.
	ErrNotFound = errors.New("not found")
)
