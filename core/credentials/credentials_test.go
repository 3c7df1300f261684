package credentials

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
)

func TestFileFallbackIsPrivate(t *testing.T) {
	dir := t.TempDir() + "/config/regtracker"
	s := Open(dir)
	s.UseKeyring = false
	if _, err := s.Get("https://ci/", "ci"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("empty store: %v", err)
	}
	if err := s.Set("https://ci/", "ci", "tok-123"); err != nil {
		t.Fatal(err)
	}
	if tok, err := s.Get("https://ci/", "ci"); err != nil || tok != "tok-123" {
		t.Fatalf("%q %v", tok, err)
	}
	fi, err := os.Stat(s.file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode %v, want 0600", fi.Mode().Perm())
	}
	if di, err := os.Stat(dir); err != nil || di.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v, want 0700", di.Mode().Perm())
	}
	if !strings.Contains(s.Where(), "readable by you only") {
		t.Errorf("Where %q", s.Where())
	}
	if err := s.Delete("https://ci/", "ci"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("https://ci/", "ci"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after delete: %v", err)
	}
}
