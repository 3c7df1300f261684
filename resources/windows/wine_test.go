// The Windows package, checked under Wine: `make package-windows` builds
// dist/regtracker-windows-amd64.zip, and `make test` builds it and names it in
// $REGTRACKER_WINDOWS_ZIP for these tests. They run its two programs under Debian's wine64
// in a Wine prefix of their own, and the app in an Xvfb display of its own.
package windows_test

import (
	"archive/zip"
	"bytes"
	"context"
	"debug/pe"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/regtracker/regtracker/cmd/regtracker-cli/cli"
	"github.com/regtracker/regtracker/core/junit/junittest"
	"github.com/regtracker/regtracker/ui/xvfbtest"
)

const (
	// zipEnv names the package to test.
	zipEnv = "REGTRACKER_WINDOWS_ZIP"
	// requireEnv, when set, makes a missing package or Wine fail the tests instead of
	// skipping them (make test sets it: there, make deps-test installs Wine).
	requireEnv = "REGTRACKER_REQUIRE_WINE"
	// shotEnv, when set, is where the screenshot of the app under Wine is written.
	shotEnv = "REGTRACKER_WINE_SCREENSHOT"
)

func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv(requireEnv) != "" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// unpack extracts the package named by $REGTRACKER_WINDOWS_ZIP into a new directory and
// returns the folder holding its files.
func unpack(t *testing.T) string {
	t.Helper()
	path := os.Getenv(zipEnv)
	if path == "" {
		skipOrFail(t, "no Windows package to test: `make package-windows` builds one, `make test` builds and tests it ($"+zipEnv+" names it)")
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	dir := t.TempDir()
	for _, f := range zr.File {
		dst := filepath.Join(dir, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(dst, dir+string(filepath.Separator)) {
			t.Fatalf("%s: an entry outside the folder: %s", path, f.Name)
		}
		if f.FileInfo().IsDir() {
			continue
		}
		os.MkdirAll(filepath.Dir(dst), 0o755)
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "regtracker")
}

// TestPackageContents: the zip holds one folder with the two programs and the README;
// the app is a GUI program (no console window) with its icon and version, the CLI a
// console program.
func TestPackageContents(t *testing.T) {
	dir := unpack(t)
	for _, name := range []string{"regtracker.exe", "regtracker-cli.exe", "README.txt"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("the package lacks regtracker\\%s", name)
		}
	}
	checkPE(t, filepath.Join(dir, "regtracker.exe"), pe.IMAGE_SUBSYSTEM_WINDOWS_GUI, true)
	checkPE(t, filepath.Join(dir, "regtracker-cli.exe"), pe.IMAGE_SUBSYSTEM_WINDOWS_CUI, false)
}

// Resource types (winuser.h).
const (
	rtGroupIcon = 14
	rtVersion   = 16
)

func checkPE(t *testing.T, path string, subsystem uint16, resources bool) {
	t.Helper()
	f, err := pe.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok || f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Fatalf("%s is not a 64-bit x86 program", filepath.Base(path))
	}
	if oh.Subsystem != subsystem {
		t.Errorf("%s: subsystem %d, want %d", filepath.Base(path), oh.Subsystem, subsystem)
	}
	if !resources {
		return
	}
	rsrc := f.Section(".rsrc")
	if rsrc == nil {
		t.Fatalf("%s has no resources", filepath.Base(path))
	}
	data, err := rsrc.Data()
	if err != nil || len(data) < 16 {
		t.Fatalf("%s: resources: %v", filepath.Base(path), err)
	}
	// The root resource directory: a 16-byte header, then named and numbered entries of 8
	// bytes, the type's id in the low half of the first word.
	named, numbered := binary.LittleEndian.Uint16(data[12:]), binary.LittleEndian.Uint16(data[14:])
	types := map[uint32]bool{}
	for i := 0; i < int(named)+int(numbered) && 16+8*i+8 <= len(data); i++ {
		types[binary.LittleEndian.Uint32(data[16+8*i:])] = true
	}
	if !types[rtGroupIcon] || !types[rtVersion] {
		t.Errorf("%s: resource types %v, want an icon group (14) and a version (16)", filepath.Base(path), types)
	}
	version := utf16le(strings.TrimSpace(fyneAppVersion(t)))
	if !bytes.Contains(data, version) {
		t.Errorf("%s: the version resource does not carry FyneApp.toml's version", filepath.Base(path))
	}
}

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func fyneAppVersion(t *testing.T) string {
	data, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == "Version" {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	t.Fatal("FyneApp.toml has no Version")
	return ""
}

// wine is a Wine prefix of the test's own, with its server kept running between the
// programs it starts (a program starts in a quarter of a second instead of three).
type wine struct {
	t      *testing.T
	bin    string // wine64
	server string // wineserver
	prefix string
	env    []string
	srv    *exec.Cmd // the prefix's server, kept running
}

func newWine(t *testing.T) *wine {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the Windows package is tested under Wine on Linux")
	}
	bin := lookFirst("wine64", "/usr/lib/wine/wine64", "wine")
	server := lookFirst("wineserver", "/usr/lib/wine/wineserver")
	if bin == "" || server == "" {
		skipOrFail(t, "Wine is not installed (Debian: apt-get install wine64; make deps-test installs it)")
	}
	w := &wine{t: t, bin: bin, server: server, prefix: filepath.Join(t.TempDir(), "prefix")}
	w.env = append(os.Environ(), "WINEPREFIX="+w.prefix, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=", "WINEARCH=win64")
	w.startServer()
	t.Cleanup(w.stopServer)
	if out, code := w.run(120*time.Second, "wineboot", "--init"); code != 0 {
		t.Fatalf("wineboot: exit %d: %s", code, out)
	}
	w.provideProcessPrng()
	return w
}

func (w *wine) startServer() {
	w.srv = exec.Command(w.server, "--foreground", "--persistent")
	w.srv.Env = w.env
	if err := w.srv.Start(); err != nil {
		w.t.Fatal(err)
	}
}

func (w *wine) stopServer() {
	kill := exec.Command(w.server, "--kill")
	kill.Env = w.env
	kill.Run()
	w.srv.Process.Kill()
	w.srv.Wait()
}

// wineFailures are what Wine prints when it, not the program it runs, failed: its
// connection to the prefix's server broke, the server went away, or the prefix was
// still being set up.
var wineFailures = []string{"wine client error", "wineserver", "Connection reset by peer",
	"could not load kernel32", "wine: could not", "wine: failed", "the prefix is being updated", "chdir to"}

// wineFailed says which of wineFailures out shows, if any.
func wineFailed(out string) string {
	for _, f := range wineFailures {
		if strings.Contains(out, f) {
			return f
		}
	}
	return ""
}

// startDesktop opens a Wine desktop of the given size, a window of its own on w.env's
// display, and makes it the one the prefix's programs open their windows in, as on a
// Windows screen (without one, Wine under Xvfb, with no window manager, drew the app
// offset and clipped). A program then started by wine64 itself opens its windows there,
// and wine64's exit is the program's. xserver says how the display's server is, for the
// failure's message.
func (w *wine) startDesktop(size string, xserver func() string) {
	const name = "regtracker-test"
	for _, args := range [][]string{
		{"reg", "add", `HKCU\Software\Wine\Explorer`, "/v", "Desktop", "/d", name, "/f"},
		{"reg", "add", `HKCU\Software\Wine\Explorer\Desktops`, "/v", name, "/d", size, "/f"},
	} {
		if out, code := w.run(time.Minute, args...); code != 0 {
			w.t.Fatalf("%v: exit %d: %s", args, code, out)
		}
	}
	desktop := exec.Command(w.bin, "explorer", "/desktop="+name+","+size)
	desktop.Env = w.env
	if err := desktop.Start(); err != nil {
		w.t.Fatal(err)
	}
	go desktop.Wait() // it ends with the prefix's server
	const limit = 60 * time.Second
	if _, ok := xvfbtest.Poll(limit, func() string { return xvfbtest.Search("^" + name + " - Wine desktop$") }); !ok {
		w.t.Fatalf("Wine showed no desktop within %v; %s", limit, xserver())
	}
}

func lookFirst(names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// provideProcessPrng installs a bcryptprimitives.dll built from wine/bcryptprimitives.c where
// Wine has none (Wine 8, Debian 12): Go programs need its ProcessPrng to start.
func (w *wine) provideProcessPrng() {
	dll := filepath.Join(w.prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	if _, err := os.Stat(dll); err == nil {
		return
	}
	cc := lookFirst("x86_64-w64-mingw32-gcc")
	if cc == "" {
		skipOrFail(w.t, "this Wine lacks bcryptprimitives.dll and the mingw-w64 compiler to build a stand-in is missing (make deps-windows)")
	}
	if out, err := exec.Command(cc, "-shared", "-O2", "-o", dll, filepath.Join("wine", "bcryptprimitives.c"), "-lbcrypt", "-Wl,--kill-at").CombinedOutput(); err != nil {
		w.t.Fatalf("building bcryptprimitives.dll: %v: %s", err, out)
	}
}

// run runs a Windows program under Wine and returns its output and exit code. When the
// run failed because of Wine itself (see wineFailures), the prefix's server is restarted
// and the program run again, once, which the test's log says; a second such failure
// fails the test with both outputs. Programs run this way must be safe to run twice.
func (w *wine) run(timeout time.Duration, args ...string) (string, int) {
	w.t.Helper()
	out, code := w.runOnce(timeout, args...)
	why := wineFailed(out)
	if code == 0 || why == "" {
		return out, code
	}
	w.t.Logf("%v: Wine failed on its own (%q, exit %d); restarting the prefix's server and running it again: %s", args, why, code, out)
	w.stopServer()
	w.startServer()
	again, code := w.runOnce(timeout, args...)
	if code != 0 && wineFailed(again) != "" {
		w.t.Fatalf("%v: Wine failed twice on its own:\nfirst: %s\nagain: %s", args, out, again)
	}
	return again, code
}

// runOnce runs a Windows program under Wine once. Output goes through a file: Wine's
// helper processes may hold a pipe open after it exits.
func (w *wine) runOnce(timeout time.Duration, args ...string) (string, int) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := os.CreateTemp(w.t.TempDir(), "out")
	if err != nil {
		w.t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.CommandContext(ctx, w.bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = w.env, out, out
	err = cmd.Run()
	data, _ := os.ReadFile(out.Name())
	if ctx.Err() != nil {
		w.t.Fatalf("%v: no exit after %v: %s", args, timeout, data)
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		w.t.Fatalf("%v: %v", args, err)
	}
	return string(data), code
}

// winPath is the path Windows programs under Wine use for a Linux path (drive Z: is /).
func winPath(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }

// cDrive is the Linux path of C:\<rel> in the prefix.
func (w *wine) cDrive(rel string) string {
	return filepath.Join(append([]string{w.prefix, "drive_c"}, strings.Split(rel, `\`)...)...)
}

type counts struct{ Tests, Passed, Failed, Errors, Skipped, Flaky int64 }

// TestCLIUnderWineCountsAsOnLinux: regtracker-cli.exe imports every report of the shared
// corpus into a database on drive C: with the same exit code and counts as the Linux
// CLI, and lists the same jobs.
func TestCLIUnderWineCountsAsOnLinux(t *testing.T) {
	dir := unpack(t)
	w := newWine(t)
	exe := filepath.Join(dir, "regtracker-cli.exe")
	good, bad := junittest.Corpus(t, "../../../shared/junit-corpus")
	winDB := `C:\regtracker test\corpus.db`
	linuxDB := filepath.Join(t.TempDir(), "corpus.db")
	for i, p := range append(good, bad...) {
		job := fmt.Sprintf("corpus/all/%d", i+1)
		// --replace: a run that Wine broke after its commit can run again (see run).
		winOut, winCode := w.run(time.Minute, exe, "import", "--db", winDB, "--json", "--replace", "--job", job, winPath(p))
		var o, e bytes.Buffer
		linuxCode := cli.Run(context.Background(), []string{"import", "--db", linuxDB, "--json", "--replace", "--job", job, p}, &o, &e)
		if winCode != linuxCode {
			t.Errorf("%s: exit %d under Wine, %d on Linux: %s", p, winCode, linuxCode, winOut)
			continue
		}
		if linuxCode != cli.ExitOK {
			if !strings.Contains(winOut, winPath(p)) {
				t.Errorf("%s: the refusal does not name the file: %s", p, winOut)
			}
			continue
		}
		var a, b counts
		json.Unmarshal([]byte(winOut), &a)
		json.Unmarshal(o.Bytes(), &b)
		if a != b {
			t.Errorf("%s: %+v under Wine, %+v on Linux", p, a, b)
		}
	}
	if _, err := os.Stat(w.cDrive(`regtracker test\corpus.db`)); err != nil {
		t.Errorf("the database is not on drive C: %v", err)
	}
	winJobs, code := w.run(time.Minute, exe, "jobs", "--db", winDB, "--json")
	var o bytes.Buffer
	cli.Run(context.Background(), []string{"jobs", "--db", linuxDB, "--json"}, &o, io.Discard)
	if code != 0 || !sameJobs(t, winJobs, o.String()) {
		t.Errorf("jobs differ: exit %d", code)
	}
}

// TestCLIUnderWineReadsWindowsReports: a folder of a UTF-16 report and a CRLF one, named
// with backslashes and a space, imports into the default database in %LOCALAPPDATA%.
func TestCLIUnderWineReadsWindowsReports(t *testing.T) {
	dir := unpack(t)
	w := newWine(t)
	exe := filepath.Join(dir, "regtracker-cli.exe")
	reports := filepath.Join(t.TempDir(), "build 14", "reports")
	os.MkdirAll(reports, 0o755)
	const report = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n<testsuite name=\"s\">\r\n<testcase classname=\"w.T\" name=\"a\"/>\r\n" +
		"<testcase classname=\"w.T\" name=\"b\"><failure message=\"x\">line 1\r\nline 2</failure></testcase>\r\n</testsuite>\r\n"
	os.WriteFile(filepath.Join(reports, "utf16.xml"), append([]byte{0xFF, 0xFE}, utf16le(report)...), 0o644)
	os.WriteFile(filepath.Join(reports, "crlf.xml"), []byte(strings.Replace(strings.ReplaceAll(report, `"w.T"`, `"w.U"`), "UTF-16", "UTF-8", 1)), 0o644)
	out, code := w.run(time.Minute, exe, "import", "--json", "--job", "7.0/win/14", winPath(filepath.Dir(reports))+`\reports\`)
	var c counts
	json.Unmarshal([]byte(out), &c)
	if code != 0 || c != (counts{Tests: 4, Passed: 2, Failed: 2}) {
		t.Errorf("a folder of UTF-16 and CRLF reports: exit %d, %+v: %s", code, c, out)
	}
	if found, _ := filepath.Glob(filepath.Join(w.prefix, "drive_c", "users", "*", "AppData", "Local", "regtracker", "regtracker.db")); len(found) != 1 {
		t.Errorf("the default database is not in %%LOCALAPPDATA%%\\regtracker: %v", found)
	}
}

func sameJobs(t *testing.T, a, b string) bool {
	t.Helper()
	type job struct {
		Job string
		counts
	}
	var ja, jb []job
	if json.Unmarshal([]byte(a), &ja) != nil || json.Unmarshal([]byte(b), &jb) != nil || len(ja) != len(jb) || len(ja) == 0 {
		t.Logf("jobs: %d under Wine, %d on Linux", len(ja), len(jb))
		return false
	}
	for i := range ja {
		if ja[i] != jb[i] {
			t.Logf("%+v under Wine, %+v on Linux", ja[i], jb[i])
			return false
		}
	}
	return true
}

// TestAppUnderWine: regtracker.exe starts on a demo database in a Wine desktop on Xvfb,
// draws its window, and quits cleanly on Alt+F4 (exit 0, "app stopped" in its log).
func TestAppUnderWine(t *testing.T) {
	dir := unpack(t)
	for _, tool := range []string{"Xvfb", "xdotool", "import"} {
		if lookFirst(tool) == "" {
			skipOrFail(t, tool+" is not installed (make deps-test installs Xvfb, xdotool and ImageMagick)")
		}
	}
	w := newWine(t)
	display, xvfb := xvfbtest.Start(t)
	w.env = append(w.env, "DISPLAY="+display)
	// Wine's own fonts lack ▲ and ▼, which Windows has (Arial, Segoe UI Symbol).
	for _, font := range []string{"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"} {
		if data, err := os.ReadFile(font); err == nil {
			os.WriteFile(filepath.Join(w.prefix, "drive_c", "windows", "Fonts", filepath.Base(font)), data, 0o644)
		}
	}
	db := `C:\demo\demo.db`
	if out, code := w.run(2*time.Minute, filepath.Join(dir, "regtracker-cli.exe"), "demo", "--db", db); code != 0 {
		t.Fatalf("demo: %s", out)
	}
	w.startDesktop("1400x900", xvfb)
	app := exec.Command(w.bin, filepath.Join(dir, "regtracker.exe"), "--db", db)
	appOut, err := os.Create(filepath.Join(t.TempDir(), "app.out"))
	if err != nil {
		t.Fatal(err)
	}
	defer appOut.Close()
	app.Env, app.Stdout, app.Stderr = w.env, appOut, appOut
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	quit := false
	defer func() {
		if !quit {
			app.Process.Kill()
			<-exited
		}
	}()
	shot := filepath.Join(t.TempDir(), "regtracker-wine.png")
	capture := func() ([]byte, error) {
		return exec.Command("import", "-display", display, "-window", "root", shot).CombinedOutput()
	}
	// giveUp says what the display, the app and its log showed when an awaited step did not
	// come: a run that fails far away is read from its output alone.
	giveUp := func(what string) {
		t.Helper()
		var names []string
		for _, id := range strings.Fields(xvfbtest.Search(".")) {
			name, _ := exec.Command("xdotool", "getwindowname", id).Output()
			names = append(names, fmt.Sprintf("%q", strings.TrimSpace(string(name))))
		}
		saved := "no screenshot"
		if _, err := capture(); err == nil {
			saved = fmt.Sprintf("screenshot: %s, %d red pixels", shot, red(t, shot))
			if dst := os.Getenv(shotEnv); dst != "" {
				data, _ := os.ReadFile(shot)
				os.MkdirAll(filepath.Dir(dst), 0o755)
				os.WriteFile(strings.TrimSuffix(dst, ".png")+"-failed.png", data, 0o644)
			}
		}
		out, _ := os.ReadFile(appOut.Name())
		log, _ := os.ReadFile(w.cDrive(`demo\regtracker.log`))
		t.Fatalf("%s\nwindows: %s\n%s\n%s\nWine's output: %s\nthe app's log: %s", what, strings.Join(names, ", "), saved, xvfb(), out, log)
	}
	// wait polls f until it says something, the app exits, or the limit passes.
	wait := func(limit time.Duration, what string, f func() string) string {
		t.Helper()
		s, ok := xvfbtest.Poll(limit, func() string {
			select {
			case err := <-exited:
				quit = true
				giveUp(fmt.Sprintf("the app exited (%v) before %s", err, what))
			default:
			}
			return f()
		})
		if !ok {
			giveUp(fmt.Sprintf("no %s after %v", what, limit))
		}
		return s
	}

	win := wait(120*time.Second, "window named regtracker", func() string { return xvfbtest.Search("^regtracker$") })
	win = strings.Fields(win)[0]
	// The window is drawn when its sidebar lists the demo's jobs with their red regression
	// counts (while it reads the database, nothing on the screen is red).
	wait(60*time.Second, "drawn window", func() string {
		time.Sleep(time.Second)
		if out, err := capture(); err != nil {
			t.Fatalf("import: %v: %s", err, out)
		}
		if red(t, shot) < 50 {
			return ""
		}
		return "drawn"
	})
	if dst := os.Getenv(shotEnv); dst != "" {
		data, _ := os.ReadFile(shot)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		os.WriteFile(dst, data, 0o644)
	}
	log, _ := os.ReadFile(w.cDrive(`demo\regtracker.log`))
	if !strings.Contains(string(log), `"app started"`) || !strings.Contains(string(log), `demo.db`) {
		t.Errorf("the app's log: %s", log)
	}

	// Alt+F4 on the focused window, as a person closes it.
	xdo := func(args ...string) {
		cmd := exec.Command("xdotool", args...)
		cmd.Env = w.env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v: %s", args, err, out)
		}
	}
	geometry, _ := exec.Command("xdotool", "getwindowgeometry", "--shell", win).Output()
	x, y := 300, 10
	for _, line := range strings.Split(string(geometry), "\n") {
		fmt.Sscanf(line, "X=%d", &x)
		fmt.Sscanf(line, "Y=%d", &y)
	}
	xdo("mousemove", fmt.Sprint(x+300), fmt.Sprint(y+8), "click", "1") // the title bar
	xdo("key", "alt+F4")
	select {
	case err := <-exited:
		quit = true
		if err != nil {
			t.Errorf("the app did not quit cleanly: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the app did not quit within 30 s of Alt+F4")
	}
	log, _ = os.ReadFile(w.cDrive(`demo\regtracker.log`))
	if !strings.Contains(string(log), `"app stopped"`) {
		t.Errorf("no \"app stopped\" in the app's log: %s", log)
	}
}

// red counts the strongly red pixels of a PNG.
func red(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 > 180 && g>>8 < 90 && bl>>8 < 90 {
				n++
			}
		}
	}
	return n
}

// Wine's own failures are told from the program's: the line CI saw when Wine's server
// connection broke in the middle of the corpus loop, and a program's refusal.
func TestWineFailuresAreToldFromThePrograms(t *testing.T) {
	for out, want := range map[string]bool{
		"wine client error:0: recvmsg: Connection reset by peer\n":                                  true,
		"wine: could not load kernel32.dll, status c0000135\n":                                      true,
		`regtracker-cli import: Z:\tmp\bad.xml line 2: unexpected end of element <testcase>` + "\n": false,
		"": false,
	} {
		if got := wineFailed(out) != ""; got != want {
			t.Errorf("%q: Wine's own failure %v, want %v", out, got, want)
		}
	}
}
