package jenkins

import (
	"context"
	"io"
	"os"
	"sync"
)

// Spool is a download written to a file while it is read: the download runs at the
// network's pace whether or not the reader (an import waiting for the database, say)
// keeps up, and the reader follows the file, waiting at its end until more arrives.
// Memory stays constant whatever the size. A complete download is kept in the cache.
type Spool struct {
	Size  int64 // bytes the server announced, -1 when it did not say
	f     *os.File
	final string // cache path the file becomes when complete

	mu       sync.Mutex
	written  int64
	done     bool
	err      error
	changed  chan struct{} // closed and replaced at every write
	finished chan struct{}
}

// Download starts fetching an artifact into a spool backed by the cache.
func (c *Client) Download(ctx context.Context, cache *Cache, job string, number int64, relPath string) (*Spool, error) {
	u, err := c.ArtifactURL(job, number, relPath)
	if err != nil {
		return nil, err
	}
	return c.spool(ctx, cache, u, job, number, relPath)
}

// DownloadTestReport starts fetching a build's test report JSON into a spool.
func (c *Client) DownloadTestReport(ctx context.Context, cache *Cache, job string, number int64) (*Spool, error) {
	bp, err := c.buildPath(job, number)
	if err != nil {
		return nil, err
	}
	return c.spool(ctx, cache, c.endpoint(bp+"testReport/api/json", ""), job, number, TestReportArtifact)
}

// TestReportArtifact is the name the cache keeps a test report under.
const TestReportArtifact = ".testReport.json"

func (c *Client) spool(ctx context.Context, cache *Cache, u, job string, number int64, relPath string) (*Spool, error) {
	body, size, err := c.stream(ctx, u)
	if err != nil {
		return nil, err
	}
	f, final, err := cache.newEntry(c.Server(), job, number, relPath)
	if err != nil {
		body.Close()
		return nil, err
	}
	s := &Spool{Size: size, f: f, final: final, changed: make(chan struct{}), finished: make(chan struct{})}
	go s.fill(body)
	return s, nil
}

func (s *Spool) fill(body io.ReadCloser) {
	defer body.Close()
	buf := make([]byte, 64<<10)
	var err error
	for {
		n, rerr := body.Read(buf)
		if n > 0 {
			if _, werr := s.f.WriteAt(buf[:n], s.written); werr != nil {
				err = werr
				break
			}
			s.mu.Lock()
			s.written += int64(n)
			close(s.changed)
			s.changed = make(chan struct{})
			s.mu.Unlock()
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			err = rerr
			break
		}
	}
	if err == nil {
		err = s.f.Sync()
	}
	name := s.f.Name()
	if err == nil {
		err = os.Rename(name, s.final)
	}
	if err != nil {
		os.Remove(name)
	}
	s.mu.Lock()
	s.done, s.err = true, err
	close(s.changed)
	s.mu.Unlock()
	close(s.finished)
}

// Wait waits for the download to end and returns its error.
func (s *Spool) Wait() error {
	<-s.finished
	return s.err
}

// Close releases the spool once the download has ended (cancel its context to end it
// early). The complete file stays in the cache.
func (s *Spool) Close() error {
	<-s.finished
	return s.f.Close()
}

// Reader returns a reader of the whole download from its start, waiting for more as
// long as the download runs. ctx ends a wait.
func (s *Spool) Reader(ctx context.Context) io.ReadCloser { return &spoolReader{s: s, ctx: ctx} }

type spoolReader struct {
	s   *Spool
	ctx context.Context
	off int64
}

func (r *spoolReader) Read(p []byte) (int, error) {
	for {
		r.s.mu.Lock()
		written, done, err, changed := r.s.written, r.s.done, r.s.err, r.s.changed
		r.s.mu.Unlock()
		if r.off < written {
			// The file stays open while renamed into the cache or removed.
			n, rerr := r.s.f.ReadAt(p[:min(int64(len(p)), written-r.off)], r.off)
			r.off += int64(n)
			if rerr == io.EOF {
				rerr = nil
			}
			return n, rerr
		}
		if done {
			if err != nil {
				return 0, err
			}
			return 0, io.EOF
		}
		select {
		case <-changed:
		case <-r.ctx.Done():
			return 0, r.ctx.Err()
		}
	}
}

func (r *spoolReader) Close() error { return nil }
