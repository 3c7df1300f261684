package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A preferences file cut short by a kill starts cleanly: the last good copy comes back,
// or the defaults with a note when there is none; a sound file is kept as the good copy.
func TestRepairPreferences(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "preferences.json")
	if note, err := RepairPreferences(path); note != "" || err != nil {
		t.Errorf("no file: %q %v", note, err)
	}
	sound := `{"database":"/data/regtracker.db","theme":"dark"}` + "\n"
	os.WriteFile(path, []byte(sound), 0o600)
	if note, err := RepairPreferences(path); note != "" || err != nil {
		t.Errorf("sound file: %q %v", note, err)
	}
	for _, damaged := range []string{"", `{"database":"/da`} {
		os.WriteFile(path, []byte(damaged), 0o600)
		note, err := RepairPreferences(path)
		if err != nil || !strings.Contains(note, "restored the last good copy") {
			t.Errorf("%q: %q %v", damaged, note, err)
		}
		if got, _ := os.ReadFile(path); string(got) != sound {
			t.Errorf("%q: restored %q", damaged, got)
		}
		if got, _ := os.ReadFile(path + ".damaged"); string(got) != damaged {
			t.Errorf("%q: set aside %q", damaged, got)
		}
	}
	os.Remove(path + ".good")
	os.WriteFile(path, nil, 0o600)
	note, err := RepairPreferences(path)
	if err != nil || !strings.Contains(note, "starting with the defaults") {
		t.Errorf("no good copy: %q %v", note, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the damaged file is still read: %v", err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".prefs-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %q", leftovers)
	}
}
