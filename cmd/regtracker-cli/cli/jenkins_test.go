package cli

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/regtracker/regtracker/core/jenkins"
	"github.com/regtracker/regtracker/core/jenkins/jenkinstest"
)

func TestJenkinsCommand(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // where the job is remembered
	eachStore(t, testJenkinsCommand)
}

func testJenkinsCommand(t *testing.T, db string) {
	const token = "tok-9f8e7d6c5b4a"
	srv := jenkinstest.New("ci", token)
	defer srv.Close()
	srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 3, Result: "SUCCESS", Artifacts: map[string][]byte{
		"TEST-a.xml": []byte(`<testsuite name="s"><testcase classname="c" name="a"/><testcase classname="c" name="b"><failure message="x"/></testcase></testsuite>`),
	}})
	srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 4, Result: "FAILURE"}) // no report at all
	srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 5, Building: true})
	dir := t.TempDir()
	base := []string{"jenkins", "--db", db, "--url", srv.BaseURL(), "--jenkins-job", "team/vpn", "--into", "7.0/vpn",
		"--user", "ci", "--cache-dir", filepath.Join(dir, "cache")}

	t.Setenv(jenkins.TokenEnv, token)
	code, out, errOut := run(t, append(base, "--last", "5", "--json")...)
	if code != ExitError {
		t.Errorf("a failed build must exit 1, got %d", code)
	}
	var res struct {
		Imported []map[string]any
		Skipped  []map[string]any
		Failed   []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(res.Imported) != 1 || res.Imported[0]["job"] != "7.0/vpn/3" || res.Imported[0]["tests"] != 2.0 || res.Imported[0]["failed"] != 1.0 {
		t.Errorf("imported %v", res.Imported)
	}
	var keys []string
	for k := range res.Imported[0] {
		keys = append(keys, k)
	}
	if len(keys) != 17 {
		t.Errorf("an imported build is not the import object: %v", keys)
	}
	if !reflect.DeepEqual(res.Skipped, []map[string]any{{"number": 5.0, "reason": "still running"}}) {
		t.Errorf("skipped %v", res.Skipped)
	}
	if len(res.Failed) != 1 || res.Failed[0]["number"] != 4.0 || !strings.Contains(res.Failed[0]["error"].(string), "no JUnit test report") {
		t.Errorf("failed %v", res.Failed)
	}
	if !strings.Contains(errOut, "build 4 failed") {
		t.Errorf("stderr %q", errOut)
	}
	// Again: 3 is imported already; nothing fails, exit 0.
	code, out, _ = run(t, append(base, "--build", "3")...)
	if code != ExitOK || !strings.Contains(out, "skipped build 3: already imported") {
		t.Errorf("second run: %d %q", code, out)
	}
	// A wrong token: exit 1, a message that says what to check, and no token anywhere.
	t.Setenv(jenkins.TokenEnv, "wrong-"+token)
	code, out, errOut = run(t, append(base, "--latest")...)
	if code != ExitError || !strings.Contains(errOut, "401") {
		t.Errorf("wrong token: %d %q", code, errOut)
	}
	if strings.Contains(out+errOut, token) {
		t.Error("the token appears in the output")
	}
	// Usage errors.
	for _, args := range [][]string{
		{"jenkins", "--db", db},
		append(append([]string{}, base...), "--build", "3", "--last", "2"),
		{"jenkins", "--db", db, "--url", "https://u:p@ci/", "--jenkins-job", "x", "--into", "7.0/vpn"},
	} {
		if code, _, _ := run(t, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
