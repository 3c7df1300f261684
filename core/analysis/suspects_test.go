package analysis

import "testing"

func TestTouches(t *testing.T) {
	for _, c := range []struct {
		classname, path string
		want            bool
	}{
		{"com.example.vpn.tunnel.IkeHandshakeTest", "src/main/java/com/example/vpn/tunnel/Ike.java", true},
		{"com.example.vpn.tunnel.IkeHandshakeTest", "com/example/vpn/tunnel/Ike.java", true},
		{"com.example.vpn.tunnel.IkeHandshakeTest", "src/main/java/com/example/vpn/ike/Ike.java", false},
		{"com.example.vpn.tunnel.IkeHandshakeTest$Nested", "src/test/java/com/example/vpn/tunnel/IkeHandshakeTest.java", true},
		{"example.com/acme/vpn/tunnel", "vpn/tunnel/tunnel.go", true},
		{"example.com/acme/vpn/tunnel", "tunnel/x.go", true},
		{"example.com/acme/vpn/tunnel", "vpn/ike/x.go", false},
		{"example.com/acme/vpn/tunnel", "README.md", false},
		{"tests.test_calc.TestParser", "tests/test_calc.py", true},
		{"tests.test_calc.TestParser", "tests/conftest.py", true},
		{"tests.test_calc.TestParser", "src/calc.py", false},
		{"test_calc", "test_calc.py", true},
		{"test_calc", "other.py", false},
		{"tests.test_calc", "tests/test_calc.py", true},
		{"calc.test.js", "calc.test.js", true},
		{"src/parser.test.ts", "src/parser.ts", true},
		{"src/parser.test.ts", "lib/parser.ts", false},
	} {
		if got := touches(c.classname, c.path); got != c.want {
			t.Errorf("touches(%q, %q) = %v, want %v", c.classname, c.path, got, c.want)
		}
	}
}
