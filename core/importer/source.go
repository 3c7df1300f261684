package importer

import (
	"archive/zip"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
)

// source is one report to decode: a file, a file inside a zip archive, possibly gzipped.
type source struct {
	name string // for messages: the path, or "archive.zip!entry.xml"
	size int64  // bytes as stored (compressed size for .gz and zip entries)
	// open returns the stored bytes, undecompressed, so reading them counts progress
	// against size.
	open func() (io.ReadCloser, error)
	// inflate turns the stored bytes into the report.
	inflate func(io.Reader) (io.Reader, error)
	// decoder reads the report; nil means JUnit XML.
	decoder func(r io.Reader, name string, maxText int) Decoder
}

// Decoder reads test results from a report, one per call, and returns io.EOF after the
// last. junit.Decoder is the one for XML.
type Decoder interface {
	Next(*core.Result) error
}

// Source is a report that does not come from a path: a download, a pipe.
type Source struct {
	Name string // for messages, and kept as the job's source
	Size int64  // bytes Open delivers, 0 when unknown
	// Open starts reading the report. It is called when the import reaches the report,
	// so sources are read one after the other.
	Open func() (io.ReadCloser, error)
	Gzip bool // the bytes are gzip-compressed
	// Decoder reads the report; nil means JUnit XML.
	Decoder func(r io.Reader, name string, maxText int) Decoder
}

func (s Source) internal() source {
	src := source{name: s.Name, size: s.Size, open: s.Open, inflate: plain, decoder: s.Decoder}
	if s.Gzip {
		src.inflate = gunzip
	}
	return src
}

func isReportName(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".xml") || strings.HasSuffix(n, ".xml.gz")
}

// expand turns the paths a user gave into sources: a directory means every *.xml and
// *.xml.gz below it (in name order), a .zip every such entry, a .gz its content, any
// other file itself. The database db's own files are refused, unopened: opening one in
// the process that has the database open would release its locks (see
// store.IsDatabaseFile).
func expand(paths []string, db string) ([]source, error) {
	if len(paths) == 0 {
		return nil, errors.New("no reports given")
	}
	isDatabase := store.DatabaseFiles(db)
	var out []source
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, errors.Unwrap(err))
		}
		if isDatabase(p) {
			return nil, fmt.Errorf("%s is regtracker's database (or a file SQLite keeps beside it), not a test report", p)
		}
		if !fi.IsDir() {
			srcs, err := fileSources(p, fi.Size())
			if err != nil {
				return nil, err
			}
			out = append(out, srcs...)
			continue
		}
		var found []source
		err = filepath.WalkDir(p, func(q string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() || !isReportName(e.Name()) || isDatabase(q) {
				return nil
			}
			info, err := e.Info()
			if err != nil {
				return err
			}
			srcs, err := fileSources(q, info.Size())
			found = append(found, srcs...)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("reading directory %s: %w", p, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no *.xml or *.xml.gz reports in this directory", p)
		}
		sort.Slice(found, func(i, j int) bool { return found[i].name < found[j].name })
		out = append(out, found...)
	}
	return out, nil
}

func fileSources(path string, size int64) ([]source, error) {
	lower := strings.ToLower(path)
	if strings.HasSuffix(lower, ".zip") {
		return zipSources(path)
	}
	src := source{
		name:    path,
		size:    size,
		open:    func() (io.ReadCloser, error) { return os.Open(path) },
		inflate: plain,
	}
	if strings.HasSuffix(lower, ".gz") {
		src.inflate = gunzip
	}
	return []source{src}, nil
}

func zipSources(path string) ([]source, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable zip archive: %w", path, err)
	}
	defer zr.Close()
	var out []source
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !isReportName(f.Name) {
			continue
		}
		entry := f.Name
		method := f.Method
		if method != zip.Store && method != zip.Deflate {
			return nil, fmt.Errorf("%s!%s: unsupported zip compression method %d", path, entry, method)
		}
		inflate := plain
		if method == zip.Deflate {
			inflate = func(r io.Reader) (io.Reader, error) { return flate.NewReader(r), nil }
		}
		if strings.HasSuffix(strings.ToLower(entry), ".gz") {
			inner := inflate
			inflate = func(r io.Reader) (io.Reader, error) {
				r, err := inner(r)
				if err != nil {
					return nil, err
				}
				return gunzip(r)
			}
		}
		out = append(out, source{
			name:    path + "!" + entry,
			size:    int64(f.CompressedSize64),
			open:    func() (io.ReadCloser, error) { return openZipEntry(path, entry) },
			inflate: inflate,
		})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: the archive holds no *.xml or *.xml.gz reports", path)
	}
	return out, nil
}

// openZipEntry opens the stored (still compressed) bytes of one entry.
func openZipEntry(path, entry string) (io.ReadCloser, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	for _, f := range zr.File {
		if f.Name == entry {
			r, err := f.OpenRaw()
			if err != nil {
				zr.Close()
				return nil, err
			}
			return struct {
				io.Reader
				io.Closer
			}{r, zr}, nil
		}
	}
	zr.Close()
	return nil, fmt.Errorf("%s!%s: entry disappeared", path, entry)
}

func plain(r io.Reader) (io.Reader, error) { return r, nil }

func gunzip(r io.Reader) (io.Reader, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("not a readable gzip file: %w", err)
	}
	return zr, nil
}
