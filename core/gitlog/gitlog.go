// Package gitlog reads the commits between two revisions of a local git clone, with the
// git command. Measured against go-git v5.19.3 on a clone of 400 commits, reading a range
// of 200 with their paths (three runs side by side, on a loaded 2-core machine): the
// command 114-203 ms, go-git 832-1,602 ms (walking the range and diffing each commit's
// trees through Commit.Stats), and go-git would have added its dependencies to the CLI.
// The CLI still builds with CGO_ENABLED=0; a clone is only ever read where git is
// installed.
package gitlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/regtracker/regtracker/core"
)

// Resolve returns the full id of the commit rev names in repo.
func Resolve(ctx context.Context, repo, rev string) (string, error) {
	out, err := git(ctx, repo, "rev-parse", "--verify", "--end-of-options", rev+"^{commit}")
	if err != nil {
		return "", fmt.Errorf("revision %q in %s: %w", rev, repo, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Log returns the commits reachable from to and not from from (git log from..to),
// merge commits included, newest first, each with the paths it touched.
func Log(ctx context.Context, repo, from, to string) ([]core.Commit, error) {
	const rec, field = "\x1e", "\x1f"
	out, err := git(ctx, repo, "log", "--no-color", "--no-renames", "--name-only",
		"--format="+rec+"%H"+field+"%an"+field+"%aI"+field+"%B"+field, from+".."+to, "--")
	if err != nil {
		return nil, fmt.Errorf("the commits %s..%s in %s: %w", short(from), short(to), repo, err)
	}
	var commits []core.Commit
	for _, r := range strings.Split(string(out), rec)[1:] {
		f := strings.SplitN(r, field, 5)
		if len(f) != 5 {
			return nil, fmt.Errorf("git log in %s: a record of %d fields", repo, len(f))
		}
		c := core.Commit{ID: f[0], Author: f[1], Message: strings.TrimSpace(f[3])}
		if c.Time, err = time.Parse(time.RFC3339, f[2]); err != nil {
			return nil, fmt.Errorf("git log in %s: commit %s: time %q", repo, short(c.ID), f[2])
		}
		for _, p := range strings.Split(f[4], "\n") {
			if p = strings.TrimSpace(p); p != "" {
				c.Paths = append(c.Paths, p)
			}
		}
		commits = append(commits, c)
	}
	return commits, nil
}

func git(ctx context.Context, repo string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", repo}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("git %s: %s", args[0], strings.TrimSpace(stderr.String()))
		}
		return nil, fmt.Errorf("running git (is it installed?): %w", err)
	}
	return out, nil
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
