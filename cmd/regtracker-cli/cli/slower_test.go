package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestSlowerCommand: four jobs where one test goes from 1 s to 3 s in the last.
func TestSlowerCommand(t *testing.T) { eachStore(t, testSlowerCommand) }

func testSlowerCommand(t *testing.T, db string) {
	dir := t.TempDir()
	for n := 1; n <= 4; n++ {
		slow := "1"
		if n == 4 {
			slow = "3"
		}
		xml := fmt.Sprintf(`<testsuite name="s"><testcase classname="vpn.T" name="slowed" time="%s"/><testcase classname="vpn.T" name="steady" time="1"/></testsuite>`, slow)
		p := filepath.Join(dir, strconv.Itoa(n)+".xml")
		os.WriteFile(p, []byte(xml), 0o644)
		if code, _, errOut := run(t, "import", "--db", db, "--job", "7.0/vpn/"+strconv.Itoa(n), p); code != ExitOK {
			t.Fatal(errOut)
		}
	}
	code, out, errOut := run(t, "slower", "7.0/vpn/4", "--db", db, "--json")
	if code != ExitOK {
		t.Fatal(errOut)
	}
	var got struct {
		Job    string            `json:"job"`
		Slower []json.RawMessage `json:"slower"`
	}
	json.Unmarshal([]byte(out), &got)
	if got.Job != "7.0/vpn/4" || len(got.Slower) != 1 {
		t.Fatalf("slower --json: %s", out)
	}
	if keys := keysOf(t, got.Slower[0]); !reflect.DeepEqual(keys, sorted("classname", "name", "duration_seconds", "baseline_seconds", "baseline_runs")) {
		t.Errorf("fields %v", keys)
	}
	var s slowerJSON
	json.Unmarshal(got.Slower[0], &s)
	if s != (slowerJSON{"vpn.T", "slowed", 3, 1, 3}) {
		t.Errorf("entry %+v", s)
	}
	if code, out, _ := run(t, "slower", "7.0/vpn/4", "--db", db, "--factor", "4"); code != ExitOK || !strings.Contains(out, "0 tests") {
		t.Errorf("--factor 4: %d %s", code, out)
	}
	if code, _, _ := run(t, "slower", "7.0/vpn/4", "--db", db, "--min-increase", "soon"); code != ExitUsage {
		t.Errorf("a bad --min-increase: exit %d", code)
	}
}
