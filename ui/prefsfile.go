package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// PreferencesPath is where Fyne keeps the preferences of the app with id appID: its
// config folder's fyne/ID/preferences.json (Fyne's RootConfigDir, which is the user's
// config folder on Linux and Windows).
func PreferencesPath(appID string) (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "fyne", appID, "preferences.json"), nil
}

// RepairPreferences runs before Fyne reads the preferences file at path. Fyne writes it
// in place (truncate, then write), so a kill or a full disk in between leaves it empty or
// cut short, and Fyne then starts with "Preferences load error: EOF" and the defaults.
// A sound file is kept as path.good (written to a temporary file and renamed, so the copy
// itself is never half-written); a damaged one is set aside as path.damaged and replaced
// by the good copy, or removed when there is none. note says what was done, for the log.
func RepairPreferences(path string) (note string, err error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	good := path + ".good"
	if sound(data) {
		return "", writeAtomic(good, data)
	}
	if err := os.Rename(path, path+".damaged"); err != nil {
		return "", err
	}
	if kept, err := os.ReadFile(good); err == nil && sound(kept) {
		if err := writeAtomic(path, kept); err != nil {
			return "", err
		}
		return fmt.Sprintf("the preferences file was damaged (%d bytes, kept as %s.damaged): restored the last good copy", len(data), filepath.Base(path)), nil
	}
	return fmt.Sprintf("the preferences file was damaged (%d bytes, kept as %s.damaged) and no good copy was kept: starting with the defaults", len(data), filepath.Base(path)), nil
}

// sound reports whether data is a whole preferences file: one JSON object.
func sound(data []byte) bool {
	var v map[string]any
	return json.Unmarshal(data, &v) == nil && v != nil
}

// writeAtomic writes data to path through a temporary file in its folder and a rename.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".prefs-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
