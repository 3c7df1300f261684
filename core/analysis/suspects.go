package analysis

import (
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/regtracker/regtracker/core"
)

// touchesTest reports whether a commit's paths touch the package of the test named by
// classname: for Java-like names its package as a directory
// (com.example.vpn.tunnel.IkeHandshakeTest: com/example/vpn/tunnel/), for a Go import
// path its last elements as a directory (example.com/acme/vpn/tunnel: .../vpn/tunnel/), for
// Python modules their package directory or module file (tests.test_calc.TestParser:
// tests/test_calc.py or tests/), for a test file (calc.test.js, src/parser.test.ts) its
// directory or the file.
func touchesTest(classname string, paths []string) bool {
	for _, p := range paths {
		if touches(classname, p) {
			return true
		}
	}
	return false
}

func touches(classname, p string) bool {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	dir := path.Dir(p)
	switch {
	case strings.Contains(classname, "/") && !strings.ContainsAny(path.Base(classname), "."):
		// A Go import path: the file's directory is one of its tails.
		return dir != "." && (classname == dir || strings.HasSuffix(classname, "/"+dir))
	case isFileName(classname):
		// A test file, as JavaScript runners name suites.
		fileDir := path.Dir(classname)
		return p == classname || strings.HasSuffix(p, "/"+classname) || (fileDir != "." && strings.HasPrefix(p, fileDir+"/"))
	}
	// Dotted names: the segments before the first capitalised one are the package.
	segs := strings.Split(classname, ".")
	pkg := segs
	for i, s := range segs {
		if s != "" && unicode.IsUpper([]rune(s)[0]) {
			pkg = segs[:i]
			break
		}
	}
	if len(pkg) == len(segs) && len(segs) > 1 {
		// Python: module path without a class; the module itself is a file.
		mod := strings.Join(segs, "/")
		if strings.HasSuffix(p, mod+".py") {
			return true
		}
		pkg = segs[:len(segs)-1]
	} else if len(pkg) == len(segs) {
		return strings.HasSuffix(p, segs[0]+".py") || path.Base(p) == segs[0]
	}
	if len(pkg) == 0 {
		return false
	}
	if path.Ext(p) == ".py" {
		// Python: the class's module is a file, its package the directory around it.
		mod := strings.Join(pkg, "/")
		if p == mod+".py" || strings.HasSuffix(p, "/"+mod+".py") {
			return true
		}
		if len(pkg) > 1 {
			pkg = pkg[:len(pkg)-1]
		}
	}
	dirPath := strings.Join(pkg, "/") + "/"
	return strings.HasPrefix(p, dirPath) || strings.Contains(p, "/"+dirPath)
}

func isFileName(s string) bool {
	ext := path.Ext(s)
	return slices.Contains([]string{".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".py", ".go", ".rb", ".php"}, ext)
}

// orderSuspects puts the commits that touch the test's package first, each group
// keeping its order (newest first), and says how many the suspects are.
func orderSuspects(classname string, commits []core.Commit) ([]core.Commit, int) {
	out := make([]core.Commit, 0, len(commits))
	for _, c := range commits {
		if touchesTest(classname, c.Paths) {
			out = append(out, c)
		}
	}
	n := len(out)
	for _, c := range commits {
		if !touchesTest(classname, c.Paths) {
			out = append(out, c)
		}
	}
	return out, n
}
