package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every picture in docs/screenshots is in the README's table of the desktop app.
func TestREADMEShowsEveryScreenshot(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(readme), "## The desktop app")
	if start < 0 {
		t.Fatal("no section 'The desktop app' in the README")
	}
	var table []string
	for _, line := range strings.Split(string(readme)[start:], "\n")[1:] {
		if strings.HasPrefix(line, "|") {
			table = append(table, line)
		} else if len(table) > 0 {
			break
		}
	}
	shots, _ := filepath.Glob("../../docs/screenshots/*.png")
	if len(shots) == 0 {
		t.Fatal("no screenshots in docs/screenshots")
	}
	for _, shot := range shots {
		if !strings.Contains(strings.Join(table, "\n"), "(docs/screenshots/"+filepath.Base(shot)+")") {
			t.Errorf("%s is not in the README's table", filepath.Base(shot))
		}
	}
}
