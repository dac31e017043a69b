package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/internal/s3test"
)

// BenchmarkArchiveJobs measures async archive jobs built per minute by one
// server process and by two sharing one PostgreSQL database and one S3
// bucket. One op is a batch of 8 jobs of 10 x 1.5 MB, queued at once
// through the first process and waited for.
func BenchmarkArchiveJobs(b *testing.B) {
	pg := os.Getenv("DAMKIT_POSTGRES_URL")
	_, vgwErr := exec.LookPath("versitygw")
	if pg == "" || (vgwErr != nil && os.Getenv("DAMKIT_S3_URL") == "") {
		b.Skip("needs PostgreSQL (DAMKIT_POSTGRES_URL, set by bench/sqlstore/with-postgres.sh) and versitygw on PATH (or DAMKIT_S3_URL)")
	}
	bin := filepath.Join(b.TempDir(), "server")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(b, err, "%s", out)
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("processes=%d", n), func(b *testing.B) {
			s3 := s3test.Start(b)
			bucketURL := s3.NewBucket(b)
			storeURL := postgresSchema(b, pg)
			env := append(os.Environ(), s3.Env...)
			procs := []*process{startProcess(b, bin, env, "a", storeURL, bucketURL)}
			if n == 2 {
				procs = append(procs, startProcess(b, bin, env, "b", storeURL, bucketURL))
			}
			st, err := sqlstore.Open(b.Context(), storeURL, nil)
			require.NoError(b, err)
			defer st.Close()
			var ids []string
			for i := range 10 {
				ids = append(ids, procs[0].upload(fmt.Sprintf("photo-%02d.bin", i), "", noise(uint64(i), 1_500_000)).ID)
			}
			const batch = 8
			jobs := 0
			start := time.Now()
			for b.Loop() {
				var jobIDs []string
				for i := range batch {
					var j dam.Job
					procs[i%len(procs)].json(mpAdminKey, "POST", "/api/v1/downloads", map[string]any{"asset_ids": ids, "async": true}, 202, &j)
					jobIDs = append(jobIDs, j.ID)
				}
				for _, id := range jobIDs {
					for {
						j, err := st.Job(b.Context(), id)
						require.NoError(b, err)
						if !j.Active() {
							require.Equal(b, dam.JobDone, j.Status, j.Error)
							break
						}
						time.Sleep(20 * time.Millisecond)
					}
				}
				jobs += batch
			}
			b.ReportMetric(float64(jobs)/time.Since(start).Minutes(), "jobs/min")
		})
	}
}
