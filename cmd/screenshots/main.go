// Command screenshots starts the real app (run it under Xvfb: `make screenshots`) on a
// fresh database and writes PNGs of its main screens to docs/screenshots with
// ImageMagick's import: the welcome page, a module page and a job page on the demo
// history, the changes behind a regression and the slower tests, the import wizard, and
// a running import.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/credentials"
	"github.com/regtracker/regtracker/core/demo"
	"github.com/regtracker/regtracker/core/follow"
	"github.com/regtracker/regtracker/core/jenkins"
	"github.com/regtracker/regtracker/core/jenkins/jenkinstest"
	"github.com/regtracker/regtracker/core/junit/junitgen"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/sqlite"
	"github.com/regtracker/regtracker/resources"
	"github.com/regtracker/regtracker/ui"
)

func main() {
	out := flag.String("out", "docs/screenshots", "directory for the PNGs")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	tmp, err := os.MkdirTemp("", "regtracker-screenshots-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(tmp, "demo.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	a := app.NewWithID("io.github.regtracker.screenshots")
	a.SetIcon(resources.Icon)
	creds := credentials.Open(filepath.Join(tmp, "config"))
	creds.UseKeyring = false
	u := ui.New(ctx, a, st, ui.Options{LogPath: filepath.Join(tmp, "regtracker.log"), CacheDir: filepath.Join(tmp, "cache"),
		CacheLimit: jenkins.DefaultCacheLimit, MemoryLimit: 1 << 30, Credentials: creds, Jobs: follow.Open(filepath.Join(tmp, "config")),
		WatchEvery: -1}) // the script fills the database behind the window's back: no "new" marks in the pictures
	go func() {
		defer fyne.Do(a.Quit)
		if err := script(ctx, u, st, creds, tmp, *out); err != nil {
			log.Print(err)
			os.Exit(1)
		}
	}()
	u.Window().ShowAndRun()
}

// shopHistory writes 12 jobs of module: a checkout test that regresses in job 12 with
// the three commits that entered with it, and two tests that got slower there.
func shopHistory(ctx context.Context, st store.Store, m core.ModuleRef) error {
	now := time.Now()
	for n := int64(1); n <= 12; n++ {
		rs := []core.Result{
			{Classname: "com.acme.shop.cart.CartTest", Name: "addsItems", Duration: 0.8},
			{Classname: "com.acme.shop.cart.CartTest", Name: "appliesCoupons", Duration: 1.1},
			{Classname: "com.acme.shop.checkout.CheckoutTest", Name: "paysByCard", Duration: 2.0},
			{Classname: "com.acme.shop.checkout.CheckoutTest", Name: "refunds", Duration: 1.5},
			{Classname: "com.acme.shop.search.SearchTest", Name: "findsByName", Duration: 0.4},
		}
		var commits []core.Commit
		if n == 12 {
			rs[2].Status, rs[2].Message = core.Failed, "expected:<PAID> but was:<DECLINED>"
			rs[1].Duration, rs[4].Duration = 3.9, 1.6
			commits = []core.Commit{
				{ID: "9f2c4e1a7b3d5c6e8f0a1b2c3d4e5f6a7b8c9d0e", Author: "Dana Lee", Time: now.Add(-40 * time.Minute),
					Message: "search: rank by popularity", Paths: []string{"src/main/java/com/acme/shop/search/Ranker.java"}},
				{ID: "5b7d9f1c3e5a7b9d1f3c5e7a9b1d3f5c7e9a1b3d", Author: "Sam Ortiz", Time: now.Add(-2 * time.Hour),
					Message: "checkout: retry declined cards once", Paths: []string{"src/main/java/com/acme/shop/checkout/Payments.java"}},
				{ID: "2e4a6c8e0a2c4e6a8c0e2a4c6e8a0c2e4a6c8e0a", Author: "Ann Wu", Time: now.Add(-5 * time.Hour),
					Message: "build: bump the payment client to 3.2", Paths: []string{"pom.xml"}},
			}
		}
		w, err := st.BeginJob(ctx, core.JobRef{ModuleRef: m, Number: n}, core.WriteOptions{Revision: fmt.Sprintf("%040x", n*7919),
			Commits: commits, Source: "Jenkins https://ci.example.com/ shop/nightly #" + fmt.Sprint(n)})
		if err != nil {
			return err
		}
		if err := w.Add(ctx, rs); err != nil {
			w.Rollback()
			return err
		}
		if _, err := w.Commit(ctx, core.ImportStats{}); err != nil {
			return err
		}
	}
	return nil
}

func script(ctx context.Context, u *ui.App, st store.Store, creds *credentials.Store, tmp, out string) error {
	shot := func(name string) error {
		time.Sleep(1200 * time.Millisecond) // let background reads land and the window settle
		// ImageMagick reads the X server: what a person sees, window decorations aside.
		// (The GL canvas' own Capture reads back blank under Xvfb.)
		path := filepath.Join(out, name)
		size := u.Window().Canvas().Size()
		scale := u.Window().Canvas().Scale()
		crop := fmt.Sprintf("%dx%d+0+0", int(size.Width*scale), int(size.Height*scale))
		if b, err := exec.Command("import", "-window", "root", "-crop", crop, path).CombinedOutput(); err != nil {
			return fmt.Errorf("import (ImageMagick): %v: %s", err, b)
		}
		fmt.Println("wrote", path)
		return nil
	}
	fyne.Do(u.Reload)
	if err := shot("welcome.png"); err != nil {
		return err
	}
	if err := demo.Fill(ctx, st, nil); err != nil {
		return err
	}
	fyne.Do(u.Reload)
	time.Sleep(time.Second)
	fyne.Do(func() { u.OpenModule(core.ModuleRef{Release: "7.0", Module: "vpn"}) })
	if err := shot("module.png"); err != nil {
		return err
	}
	fyne.Do(func() { u.OpenJob(core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 11}) })
	if err := shot("job.png"); err != nil {
		return err
	}
	fyne.Do(func() {
		u.OpenHistory(core.ModuleRef{Release: "7.0", Module: "vpn"},
			core.TestID{Classname: fmt.Sprintf(demo.LongFailingClass, "vpn"), Name: demo.LongFailingName})
	})
	if err := shot("history.png"); err != nil {
		return err
	}
	fyne.Do(func() { u.OpenFlaky(core.ModuleRef{Release: "7.0", Module: "vpn"}) })
	if err := shot("flaky.png"); err != nil {
		return err
	}
	fyne.Do(func() {
		u.OpenCompare(core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 20},
			core.JobRef{ModuleRef: core.ModuleRef{Release: "6.4", Module: "vpn"}, Number: 30})
	})
	if err := shot("compare.png"); err != nil {
		return err
	}
	// A module whose jobs carry their commits, where a test regresses and others got
	// slower: the changes behind the regression, and the Slower tab.
	shop := core.ModuleRef{Release: "7.0", Module: "shop"}
	if err := shopHistory(ctx, st, shop); err != nil {
		return err
	}
	fyne.Do(u.Reload)
	time.Sleep(time.Second)
	fyne.Do(func() { u.OpenJobTab(core.JobRef{ModuleRef: shop, Number: 12}, "Regressions", 0) })
	if err := shot("changes.png"); err != nil {
		return err
	}
	fyne.Do(func() { u.OpenJobTab(core.JobRef{ModuleRef: shop, Number: 12}, "Slower", -1) })
	if err := shot("slower.png"); err != nil {
		return err
	}
	report := filepath.Join(tmp, "builds", "vpn", "29", "test-results.xml")
	if err := os.MkdirAll(filepath.Dir(report), 0o755); err != nil {
		return err
	}
	f, err := os.Create(report)
	if err != nil {
		return err
	}
	if _, err := junitgen.Write(f, junitgen.Spec{Cases: 1_500_000, Seed: 29}); err != nil {
		return err
	}
	f.Close()
	fyne.Do(func() { u.OpenImportWizard([]string{report}) })
	if err := shot("import-wizard.png"); err != nil {
		return err
	}
	fyne.DoAndWait(func() {
		if top := u.Window().Canvas().Overlays().Top(); top != nil {
			u.Window().Canvas().Overlays().Remove(top)
		}
		u.Import(core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 29}, []string{report}, false)
	})
	time.Sleep(300 * time.Millisecond)
	if err := shot("import-running.png"); err != nil {
		return err
	}
	// The monitor while the import still runs (1.5M cases take a few seconds).
	fyne.Do(u.OpenMonitor)
	if err := shot("monitor.png"); err != nil {
		return err
	}
	// The Jenkins wizard against a stand-in server, and the settings.
	time.Sleep(3 * time.Second) // the import above ends
	srv := jenkinstest.New("ci", "token")
	defer srv.Close()
	for n := int64(40); n <= 52; n++ {
		var buf bytes.Buffer
		junitgen.Write(&buf, junitgen.Spec{Cases: 200, Seed: uint64(n)})
		b := &jenkinstest.Build{Number: n, Result: "SUCCESS", Artifacts: map[string][]byte{"target/surefire-reports/TEST-vpn.xml": buf.Bytes()}}
		if n%5 == 0 {
			b.Result = "UNSTABLE"
		}
		if n == 52 {
			b.Building, b.Result = true, ""
		}
		srv.AddBuild("team/vpn/nightly", b)
	}
	srv.AddBuild("team/vpn/weekly", &jenkinstest.Build{Number: 1, Result: "SUCCESS"})
	srv.AddBuild("team/ike/nightly", &jenkinstest.Build{Number: 1, Result: "SUCCESS"})
	creds.Set(srv.BaseURL(), "ci", "token")
	fyne.Do(func() { u.JenkinsWizardFor(srv.BaseURL(), "ci", "team/vpn/nightly") })
	if err := shot("jenkins-wizard.png"); err != nil {
		return err
	}
	fyne.DoAndWait(func() {
		for u.Window().Canvas().Overlays().Top() != nil {
			u.Window().Canvas().Overlays().Remove(u.Window().Canvas().Overlays().Top())
		}
		u.OpenSettings()
	})
	if err := shot("settings.png"); err != nil {
		return err
	}
	fyne.DoAndWait(u.Shutdown)
	return nil
}
