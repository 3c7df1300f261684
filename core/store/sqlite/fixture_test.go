//go:build rowfixture

package sqlite

import (
	"os"
	"testing"

	"github.com/regtracker/regtracker/core"
)

// TestWriteRowLayoutFixture writes testdata/rows-v3.db and its dump rows-v3.json (both
// kept gzipped) for TestMigrationFromRowLayout. It was run with the row-layout code of
// commit d50a45e, into which this file and dump_test.go were copied as they were before
// the store became a contract and this package (commit 53b9db1, package store):
//
//	git worktree add /tmp/rows d50a45e
//	git show 53b9db1:core/store/fixture_test.go > /tmp/rows/core/store/fixture_test.go
//	git show 53b9db1:core/store/dump_test.go > /tmp/rows/core/store/dump_test.go
//	cd /tmp/rows && FIXTURE_DIR=$PWD/out go test -tags rowfixture -run TestWriteRowLayoutFixture ./core/store
//	gzip -9 out/rows-v3.db out/rows-v3.json
func TestWriteRowLayoutFixture(t *testing.T) {
	dir := os.Getenv("FIXTURE_DIR")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, dir+"/rows-v3.db")
	if err != nil {
		t.Fatal(err)
	}
	jobs := rowLayoutJobs()
	for _, r := range []core.JobRef{ref("7.0", "vpn", 1), ref("6.4", "dns", 9), ref("7.0", "vpn", 3), ref("7.0", "vpn", 2)} {
		writeJob(t, s, r, core.WriteOptions{Source: "fixture " + r.String()}, jobs[r])
	}
	// Job 3 replaced by fewer results: a hole in the result ids.
	writeJob(t, s, ref("7.0", "vpn", 3), core.WriteOptions{Replace: true, Source: "replaced"}, jobs[ref("7.0", "vpn", 3)][100:])
	if err := os.WriteFile(dir+"/rows-v3.json", dumpStore(t, s), 0o644); err != nil {
		t.Fatal(err)
	}
	s.DB().Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	s.Close()
}
