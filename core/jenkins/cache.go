package jenkins

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Cache keeps downloaded artifacts and build descriptions on disk, keyed by server, job,
// build and artifact path, so that a build imported once can be imported again without
// the server. It holds at most Limit bytes; the least recently used files go first.
type Cache struct {
	Dir   string
	Limit int64 // bytes; <= 0 means no limit
}

// DefaultCacheDir is the cache of the user's data: ~/.cache/regtracker/jenkins on Linux,
// %LOCALAPPDATA%\regtracker\jenkins on Windows.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "regtracker", "jenkins"), nil
}

// DefaultCacheLimit is the cache size limit when none is set: 2 GB.
const DefaultCacheLimit = 2 << 30

// buildDir is the directory of one build of one job of one server.
func (c *Cache) buildDir(server, job string, number int64) string {
	sum := sha256.Sum256([]byte(server))
	var segs []string
	for _, s := range strings.Split(strings.Trim(job, "/"), "/") {
		segs = append(segs, safeName(s))
	}
	return filepath.Join(append(append([]string{c.Dir, hex.EncodeToString(sum[:8])}, segs...), strconv.FormatInt(number, 10))...)
}

// safeName keeps a path segment inside its directory.
func safeName(s string) string {
	if s == "" || s == "." || s == ".." {
		return "_" + s
	}
	return strings.NewReplacer("/", "_", "\\", "_", "\x00", "_").Replace(s)
}

// artifactPath is where an artifact of a build is kept; "" when its path would leave
// the build's directory.
func (c *Cache) artifactPath(server, job string, number int64, relPath string) string {
	clean := filepath.Clean(filepath.FromSlash(relPath))
	if clean == "." || filepath.IsAbs(clean) || strings.HasPrefix(clean, ".."+string(filepath.Separator)) || clean == ".." {
		return ""
	}
	return filepath.Join(c.buildDir(server, job, number), "artifacts", clean)
}

// Lookup returns the cached copy of an artifact, if any, touching it as recently used.
func (c *Cache) Lookup(server, job string, number int64, relPath string) (string, bool) {
	p := c.artifactPath(server, job, number, relPath)
	if p == "" {
		return "", false
	}
	if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
		return "", false
	}
	now := time.Now()
	os.Chtimes(p, now, now)
	return p, true
}

// manifest is what the cache keeps of a build besides its files.
type manifest struct {
	Number    int64      `json:"number"`
	Result    string     `json:"result"`
	Timestamp time.Time  `json:"timestamp"`
	Duration  int64      `json:"duration_ms"`
	Artifacts []Artifact `json:"artifacts"`
}

func (c *Cache) manifestPath(server, job string, number int64) string {
	return filepath.Join(c.buildDir(server, job, number), "build.json")
}

// SaveBuild keeps a build's description, for imports without the server.
func (c *Cache) SaveBuild(server, job string, b Build) error {
	m := manifest{Number: b.Number, Result: b.Result, Timestamp: b.Timestamp, Duration: b.Duration.Milliseconds(), Artifacts: b.Artifacts}
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	p := c.manifestPath(server, job, b.Number)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	return writeFileAtomic(p, data)
}

// LoadBuild returns a build's kept description.
func (c *Cache) LoadBuild(server, job string, number int64) (Build, bool) {
	data, err := os.ReadFile(c.manifestPath(server, job, number))
	if err != nil {
		return Build{}, false
	}
	var m manifest
	if json.Unmarshal(data, &m) != nil {
		return Build{}, false
	}
	return Build{Number: m.Number, Result: m.Result, Timestamp: m.Timestamp, Duration: time.Duration(m.Duration) * time.Millisecond, Artifacts: m.Artifacts}, true
}

func writeFileAtomic(p string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// newEntry returns a temporary file for an artifact being downloaded and the path it
// becomes once complete.
func (c *Cache) newEntry(server, job string, number int64, relPath string) (*os.File, string, error) {
	final := c.artifactPath(server, job, number, relPath)
	if final == "" {
		return nil, "", fmt.Errorf("artifact path %q leaves the build's directory", relPath)
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return nil, "", err
	}
	f, err := os.CreateTemp(filepath.Dir(final), ".partial-*")
	return f, final, err
}

type cachedFile struct {
	path string
	size int64
	used time.Time
}

func (c *Cache) files() ([]cachedFile, error) {
	var out []cachedFile
	err := filepath.WalkDir(c.Dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if e.IsDir() || !e.Type().IsRegular() {
			return nil
		}
		fi, err := e.Info()
		if err != nil {
			return nil
		}
		out = append(out, cachedFile{p, fi.Size(), fi.ModTime()})
		return nil
	})
	return out, err
}

// Size is the bytes the cache holds.
func (c *Cache) Size() (int64, error) {
	fs, err := c.files()
	var n int64
	for _, f := range fs {
		n += f.size
	}
	return n, err
}

// Trim removes the least recently used artifacts until the cache is within its limit.
func (c *Cache) Trim() error {
	if c.Limit <= 0 {
		return nil
	}
	files, err := c.files()
	if err != nil {
		return err
	}
	var total int64
	for _, f := range files {
		total += f.size
	}
	slices.SortFunc(files, func(a, b cachedFile) int { return a.used.Compare(b.used) })
	for _, f := range files {
		if total <= c.Limit {
			break
		}
		if filepath.Base(f.path) == "build.json" {
			continue
		}
		if os.Remove(f.path) == nil {
			total -= f.size
		}
	}
	return nil
}

// Clear empties the cache.
func (c *Cache) Clear() error {
	entries, err := os.ReadDir(c.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(c.Dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
