package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/regtracker/regtracker/core/jenkins"
	"github.com/regtracker/regtracker/core/jenkins/jenkinstest"
)

// TestFollowCommand: `jenkins --latest` remembers the job (its token in the secret
// store, not in the list); `follow --once` then imports exactly the new build and leaves
// the running one, a second round imports nothing, and a wrong token or a vanished job
// exits 1 with the reason and no token in any output.
func TestFollowCommand(t *testing.T) { eachStore(t, testFollowCommand) }

func testFollowCommand(t *testing.T, db string) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	const token = "tok-0a1b2c3d4e5f"
	srv := jenkinstest.New("ci", token)
	defer srv.Close()
	srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 14, Result: "SUCCESS", Artifacts: jenkinstest.TwoCases(false)})
	cache := filepath.Join(t.TempDir(), "cache")
	t.Setenv(jenkins.TokenEnv, token)
	if code, out, errOut := run(t, "jenkins", "--db", db, "--url", srv.BaseURL(), "--jenkins-job", "team/vpn", "--into", "7.0/vpn",
		"--user", "ci", "--latest", "--cache-dir", cache); code != ExitOK || !strings.Contains(out, "as 7.0/vpn/14") {
		t.Fatalf("jenkins: %d %s %s", code, out, errOut)
	}
	t.Setenv(jenkins.TokenEnv, "") // from here on, the token comes from the secret store
	dir := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "regtracker")
	if list, _ := os.ReadFile(filepath.Join(dir, "jenkins-jobs.json")); !strings.Contains(string(list), `"team/vpn"`) || strings.Contains(string(list), token) {
		t.Errorf("the remembered jobs: %s", list)
	}

	srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 15, Result: "UNSTABLE", Artifacts: jenkinstest.TwoCases(true)})
	srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 16, Building: true})
	code, out, errOut := run(t, "follow", "--db", db, "--once", "--json", "--cache-dir", cache)
	var res struct {
		Jobs []struct {
			JenkinsJob string `json:"jenkins_job"`
			Into       string
			Imported   []struct {
				Job                   string
				Tests, Passed, Failed int
			}
			Skipped []struct {
				Number int
				Reason string
			}
			Error *string
			OK    bool
		}
		OK bool
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != ExitOK {
		t.Fatalf("follow --once: %d %v %s %s", code, err, out, errOut)
	}
	if len(res.Jobs) != 1 || !res.OK || !res.Jobs[0].OK || res.Jobs[0].Error != nil || len(res.Jobs[0].Imported) != 1 ||
		res.Jobs[0].Imported[0].Job != "7.0/vpn/15" || res.Jobs[0].Imported[0].Tests != 2 || res.Jobs[0].Imported[0].Failed != 1 ||
		len(res.Jobs[0].Skipped) != 1 || res.Jobs[0].Skipped[0].Number != 16 || res.Jobs[0].Skipped[0].Reason != "still running" {
		t.Errorf("follow --once: %s", out)
	}
	code, out, _ = run(t, "follow", "--db", db, "--once", "--cache-dir", cache)
	if code != ExitOK || !strings.Contains(out, "team/vpn on "+srv.BaseURL()+" into 7.0/vpn:\n  skipped build 16: still running\n") || strings.Contains(out, "imported") {
		t.Errorf("a second round: %d %s", code, out)
	}
	if _, jobs, _ := run(t, "jobs", "--db", db, "--module", "7.0/vpn", "--json"); strings.Count(jobs, `"job":`) != 2 {
		t.Errorf("jobs after two rounds: %s", jobs)
	}

	srv.SetToken("rotated")
	code, out, errOut = run(t, "follow", "--db", db, "--once", "--cache-dir", cache)
	if code != ExitError || !strings.Contains(out, "not reached") || !strings.Contains(out, "401") || strings.Contains(out+errOut, token) {
		t.Errorf("a wrong token: %d %q %q", code, out, errOut)
	}
	srv.SetToken(token)
	srv.RemoveJob("team/vpn")
	code, out, errOut = run(t, "follow", "--db", db, "--once", "--json", "--cache-dir", cache)
	if code != ExitError || !strings.Contains(out, "404") || !strings.Contains(out, `"ok": false`) || strings.Contains(out+errOut, token) {
		t.Errorf("a vanished job: %d %q %q", code, out, errOut)
	}
}

// TestFollowLoopObeysSignals: `follow --every 1s` keeps fetching, imports a build that
// appears while it runs, and stops within 2 s of SIGTERM, exit 0.
func TestFollowLoopObeysSignals(t *testing.T) {
	const token = "tok-6f5e4d3c2b1a"
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	srv := jenkinstest.New("ci", token)
	defer srv.Close()
	srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 1, Result: "SUCCESS", Artifacts: jenkinstest.TwoCases(false)})
	db := filepath.Join(t.TempDir(), "t.db")
	t.Setenv(jenkins.TokenEnv, token)
	if code, _, errOut := run(t, "jenkins", "--db", db, "--url", srv.BaseURL(), "--jenkins-job", "team/vpn", "--into", "7.0/vpn", "--user", "ci"); code != ExitOK {
		t.Fatal(errOut)
	}
	t.Setenv(jenkins.TokenEnv, "")
	stdout, stderr := &lockedBuffer{}, &lockedBuffer{}
	cmd := exec.Command(os.Args[0], "follow", "--db", db, "--every", "1s", "--cache-dir", filepath.Join(t.TempDir(), "cache"))
	cmd.Env = append(os.Environ(), asCLI+"=1")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitOutput := func(what string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(stdout.String(), what) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.Contains(stdout.String(), what) {
			t.Fatalf("no %q: %s %s", what, stdout, stderr)
		}
	}
	waitOutput("no new build") // the first round
	srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 2, Result: "UNSTABLE", Artifacts: jenkinstest.TwoCases(true)})
	waitOutput("imported build 2 as 7.0/vpn/2: 2 tests (1 failed, 0 errors)")
	sent := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if took := time.Since(sent); err != nil || took > 2*time.Second {
		t.Errorf("after SIGTERM: %v in %v: %s", err, took, stderr)
	}
	if !strings.Contains(stderr.String(), "stopped") {
		t.Errorf("stderr: %s", stderr)
	}
}
