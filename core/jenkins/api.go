package jenkins

import (
	"context"
	"errors"
	"fmt"
	"github.com/regtracker/regtracker/core"
	"io"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Build is one build of a job.
type Build struct {
	Number    int64
	Result    string // SUCCESS, UNSTABLE, FAILURE, ABORTED, NOT_BUILT; empty while running
	Building  bool
	Timestamp time.Time
	Duration  time.Duration
	Artifacts []Artifact // filled by BuildInfo
	// Revision is the revision the git plugin says it built, and Commits its change
	// set (newest first, each with Build set); both filled by BuildInfo.
	Revision string
	Commits  []core.Commit
}

// Artifact is a file a build archived.
type Artifact struct {
	FileName     string `json:"fileName"`
	RelativePath string `json:"relativePath"`
}

type apiBuild struct {
	Number     int64          `json:"number"`
	Result     *string        `json:"result"`
	Building   bool           `json:"building"`
	Timestamp  int64          `json:"timestamp"`
	Duration   int64          `json:"duration"`
	Artifacts  []Artifact     `json:"artifacts"`
	ChangeSets []apiChangeSet `json:"changeSets"` // pipeline jobs
	ChangeSet  *apiChangeSet  `json:"changeSet"`  // freestyle jobs
	Actions    []struct {
		LastBuiltRevision *struct {
			SHA1 string `json:"SHA1"`
		} `json:"lastBuiltRevision"`
	} `json:"actions"`
}

type apiChangeSet struct {
	Items []struct {
		CommitID string `json:"commitId"`
		Author   struct {
			FullName string `json:"fullName"`
		} `json:"author"`
		Timestamp     int64    `json:"timestamp"`
		Msg           string   `json:"msg"`
		Comment       string   `json:"comment"`
		AffectedPaths []string `json:"affectedPaths"`
	} `json:"items"`
}

// changeFields asks for a build's change sets and revision, and nothing else of them.
const changeFields = "changeSets[items[commitId,author[fullName],timestamp,msg,comment,affectedPaths]]," +
	"changeSet[items[commitId,author[fullName],timestamp,msg,comment,affectedPaths]],actions[lastBuiltRevision[SHA1]]"

func (b apiBuild) build() Build {
	out := Build{Number: b.Number, Building: b.Building, Timestamp: time.UnixMilli(b.Timestamp),
		Duration: time.Duration(b.Duration) * time.Millisecond, Artifacts: b.Artifacts}
	if b.Result != nil {
		out.Result = *b.Result
	}
	for _, a := range b.Actions {
		if a.LastBuiltRevision != nil && a.LastBuiltRevision.SHA1 != "" {
			out.Revision = a.LastBuiltRevision.SHA1
		}
	}
	sets := b.ChangeSets
	if b.ChangeSet != nil {
		sets = append(sets, *b.ChangeSet)
	}
	// Jenkins lists a change set oldest first; commits are kept newest first.
	for _, set := range sets {
		for i := len(set.Items) - 1; i >= 0; i-- {
			it := set.Items[i]
			msg := strings.TrimSpace(it.Comment)
			if msg == "" {
				msg = it.Msg
			}
			out.Commits = append(out.Commits, core.Commit{ID: it.CommitID, Author: it.Author.FullName,
				Time: time.UnixMilli(it.Timestamp).UTC(), Message: msg, Paths: it.AffectedPaths, Build: b.Number})
		}
	}
	return out
}

const buildFields = "number,result,timestamp,duration,building"

// Builds lists the job's latest builds, newest first, at most limit of them (all when
// limit <= 0).
func (c *Client) Builds(ctx context.Context, job string, limit int) ([]Build, error) {
	jp, err := JobPath(job)
	if err != nil {
		return nil, err
	}
	tree := "allBuilds[" + buildFields + "]"
	if limit > 0 {
		tree += "{0," + strconv.Itoa(limit) + "}"
	}
	var resp struct {
		AllBuilds []apiBuild `json:"allBuilds"`
	}
	if err := c.getJSON(ctx, c.endpoint(jp+"api/json", "tree="+url.QueryEscape(tree)), &resp); err != nil {
		return nil, err
	}
	out := make([]Build, len(resp.AllBuilds))
	for i, b := range resp.AllBuilds {
		out[i] = b.build()
	}
	return out, nil
}

// BuildInfo returns one build with its artifacts. build is a number or a permalink
// such as "lastCompletedBuild".
func (c *Client) BuildInfo(ctx context.Context, job, build string) (Build, error) {
	jp, err := JobPath(job)
	if err != nil {
		return Build{}, err
	}
	var b apiBuild
	q := "tree=" + url.QueryEscape(buildFields+",artifacts[fileName,relativePath],"+changeFields)
	if err := c.getJSON(ctx, c.endpoint(jp+url.PathEscape(build)+"/api/json", q), &b); err != nil {
		return Build{}, err
	}
	return b.build(), nil
}

// BuildChanges returns one build's revision and change set only (no artifacts): for the
// builds between two imported jobs, whose changes count too.
func (c *Client) BuildChanges(ctx context.Context, job string, number int64) (Build, error) {
	jp, err := JobPath(job)
	if err != nil {
		return Build{}, err
	}
	var b apiBuild
	q := "tree=" + url.QueryEscape("number,"+changeFields)
	if err := c.getJSON(ctx, c.endpoint(jp+strconv.FormatInt(number, 10)+"/api/json", q), &b); err != nil {
		return Build{}, err
	}
	return b.build(), nil
}

// Version asks the server for its Jenkins version (the X-Jenkins header of its API).
func (c *Client) Version(ctx context.Context) (string, error) {
	resp, err := c.open(ctx, c.http, c.endpoint("api/json", "tree=mode"))
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	v := resp.Header.Get("X-Jenkins")
	if v == "" {
		return "", fmt.Errorf("%s answers but is not Jenkins (no X-Jenkins header)", c.base)
	}
	return v, nil
}

func (c *Client) buildPath(job string, number int64) (string, error) {
	jp, err := JobPath(job)
	if err != nil {
		return "", err
	}
	return jp + strconv.FormatInt(number, 10) + "/", nil
}

// ArtifactURL is where an artifact is downloaded from.
func (c *Client) ArtifactURL(job string, number int64, relativePath string) (string, error) {
	bp, err := c.buildPath(job, number)
	if err != nil {
		return "", err
	}
	segs := strings.Split(relativePath, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return c.endpoint(bp+"artifact/"+strings.Join(segs, "/"), ""), nil
}

// stream opens url for a long read guarded by the stall timeout.
func (c *Client) stream(ctx context.Context, u string) (io.ReadCloser, int64, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	resp, err := c.open(ctx, c.files, u)
	if err != nil {
		cancel(nil)
		return nil, 0, err
	}
	r := &stallReader{body: resp.Body, cancel: cancel, timeout: c.cfg.StallTimeout, url: u}
	r.timer = time.AfterFunc(c.cfg.StallTimeout, r.stalled)
	return r, resp.ContentLength, nil
}

// ErrStalled is the cause of a download aborted for lack of progress.
var ErrStalled = errors.New("download stalled")

// stallReader cancels its request when no byte arrives for timeout.
type stallReader struct {
	body    io.ReadCloser
	cancel  context.CancelCauseFunc
	timer   *time.Timer
	timeout time.Duration
	url     string
	mu      sync.Mutex
	stall   bool
}

func (r *stallReader) stalled() {
	r.mu.Lock()
	r.stall = true
	r.mu.Unlock()
	r.cancel(ErrStalled)
}

func (r *stallReader) Read(p []byte) (int, error) {
	n, err := r.body.Read(p)
	if n > 0 {
		r.timer.Reset(r.timeout)
	}
	if err != nil && err != io.EOF {
		r.mu.Lock()
		stalled := r.stall
		r.mu.Unlock()
		if stalled {
			return n, fmt.Errorf("%s: no data for %v: %w", r.url, r.timeout, ErrStalled)
		}
		return n, fmt.Errorf("downloading %s: %w", r.url, unwrapURLError(err))
	}
	return n, err
}

func (r *stallReader) Close() error {
	r.timer.Stop()
	r.cancel(nil)
	return r.body.Close()
}

// MatchGlob reports whether an artifact's relative path matches an Ant-style glob:
// "**" any number of directories, "*" and "?" within one segment.
func MatchGlob(glob, relPath string) bool {
	return matchSegs(strings.Split(glob, "/"), strings.Split(relPath, "/"))
}

func matchSegs(glob, segs []string) bool {
	for len(glob) > 0 {
		if glob[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if matchSegs(glob[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, err := path.Match(glob[0], segs[0]); err != nil || !ok {
			return false
		}
		glob, segs = glob[1:], segs[1:]
	}
	return len(segs) == 0
}

// JobInfo is an item of a Jenkins folder: a job, or a folder to browse.
type JobInfo struct {
	Name   string // the item's name
	Path   string // "FOLDER/.../NAME", as Builds and BuildInfo take it
	Folder bool   // it holds other jobs
}

// Jobs lists the items of a folder ("" for the top level), folders first.
func (c *Client) Jobs(ctx context.Context, folder string) ([]JobInfo, error) {
	prefix := ""
	if strings.Trim(folder, "/") != "" {
		jp, err := JobPath(folder)
		if err != nil {
			return nil, err
		}
		prefix = jp
	}
	var resp struct {
		Jobs []struct {
			Name  string `json:"name"`
			Class string `json:"_class"`
			Jobs  []any  `json:"jobs"`
		} `json:"jobs"`
	}
	if err := c.getJSON(ctx, c.endpoint(prefix+"api/json", "tree="+url.QueryEscape("jobs[name,_class,jobs[name]]")), &resp); err != nil {
		return nil, err
	}
	var out []JobInfo
	for _, j := range resp.Jobs {
		p := j.Name
		if f := strings.Trim(folder, "/"); f != "" {
			p = f + "/" + j.Name
		}
		out = append(out, JobInfo{Name: j.Name, Path: p,
			Folder: j.Jobs != nil || strings.Contains(strings.ToLower(j.Class), "folder") || strings.Contains(j.Class, "MultiBranch")})
	}
	slices.SortStableFunc(out, func(a, b JobInfo) int {
		if a.Folder != b.Folder {
			if a.Folder {
				return -1
			}
			return 1
		}
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out, nil
}
