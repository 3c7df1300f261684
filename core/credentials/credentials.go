// Package credentials keeps Jenkins API tokens: in the operating system's secret store
// when one answers (the Secret Service on Linux, the Keychain, the Credential Manager),
// otherwise in a file in the app's config directory that only the user can read (0600).
// Tokens never go to preferences, logs or command lines.
package credentials

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/zalando/go-keyring"
)

// service is the name the tokens are kept under in the secret store.
const service = "regtracker Jenkins"

// Store reads and writes tokens.
type Store struct {
	file string // fallback file
	// UseKeyring tries the operating system's secret store first. Tests turn it off.
	UseKeyring bool
	mu         sync.Mutex
}

// Open returns a store whose fallback file is credentials.json in dir.
func Open(dir string) *Store {
	return &Store{file: filepath.Join(dir, "credentials.json"), UseKeyring: true}
}

// DefaultDir is the app's config directory (~/.config/regtracker on Linux,
// %LOCALAPPDATA%\regtracker on Windows, where tokens stay off the roaming profile).
func DefaultDir() (string, error) {
	userDir := os.UserConfigDir
	if runtime.GOOS == "windows" {
		userDir = os.UserCacheDir // %LOCALAPPDATA%
	}
	d, err := userDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "regtracker"), nil
}

func key(server, user string) string { return user + "@" + server }

// Where says where tokens are kept now: "the system's secret store" or the file.
func (s *Store) Where() string {
	if s.keyringWorks() {
		return "the system's secret store"
	}
	return s.file + " (readable by you only)"
}

func (s *Store) keyringWorks() bool {
	if !s.UseKeyring {
		return false
	}
	_, err := keyring.Get(service, "regtracker-probe")
	return err == nil || errors.Is(err, keyring.ErrNotFound)
}

// Set keeps the token of user on server.
func (s *Store) Set(server, user, token string) error {
	if s.UseKeyring && keyring.Set(service, key(server, user), token) == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.read()
	if err != nil {
		return err
	}
	m[key(server, user)] = token
	return s.write(m)
}

// Get returns the token of user on server; an error wrapping fs.ErrNotExist when none
// is kept.
func (s *Store) Get(server, user string) (string, error) {
	if s.UseKeyring {
		if t, err := keyring.Get(service, key(server, user)); err == nil {
			return t, nil
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.read()
	if err != nil {
		return "", err
	}
	t, ok := m[key(server, user)]
	if !ok {
		return "", fmt.Errorf("no token kept for %s on %s: %w", user, server, fs.ErrNotExist)
	}
	return t, nil
}

// Delete forgets the token of user on server.
func (s *Store) Delete(server, user string) error {
	if s.UseKeyring {
		keyring.Delete(service, key(server, user))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.read()
	if err != nil {
		return err
	}
	delete(m, key(server, user))
	return s.write(m)
}

func (s *Store) read() (map[string]string, error) {
	m := map[string]string{}
	data, err := os.ReadFile(s.file)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s is damaged: %w", s.file, err)
	}
	return m, nil
}

// write replaces the file atomically, created 0600 in a 0700 directory.
func (s *Store) write(m map[string]string) error {
	if err := os.MkdirAll(filepath.Dir(s.file), 0o700); err != nil {
		return err
	}
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.file), ".credentials-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.file)
}
