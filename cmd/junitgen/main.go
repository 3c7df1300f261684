// Command junitgen writes a synthetic JUnit report, for benchmarks and for reproducing
// the README's performance figures:
//
//	go run ./cmd/junitgen -cases 1000000 > /tmp/1m.xml
//	go run ./cmd/junitgen -cases 1000 -system-out 300000000 > /tmp/bigout.xml
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/regtracker/regtracker/core/junit/junitgen"
)

func main() {
	var spec junitgen.Spec
	flag.IntVar(&spec.Cases, "cases", 1_000_000, "test cases")
	flag.Int64Var(&spec.SystemOutBytes, "system-out", 0, "bytes of one <system-out> (0: none)")
	flag.Uint64Var(&spec.Seed, "seed", 1, "random seed")
	flag.Parse()
	c, err := junitgen.Write(os.Stdout, spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "junitgen:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "junitgen: %+v\n", c)
}
