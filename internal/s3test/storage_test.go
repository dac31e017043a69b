package s3test_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "gocloud.dev/blob/s3blob"

	"github.com/damkit/damkit/internal/s3test"
	"github.com/damkit/damkit/storage"
	"github.com/damkit/damkit/storage/storagetest"
)

// TestS3Conformance runs the bucket conformance suite against a real
// S3-compatible server (versitygw started for the test, or DAMKIT_S3_URL).
func TestS3Conformance(t *testing.T) {
	srv := s3test.Start(t)
	storagetest.Run(t, func(t *testing.T) *storage.Bucket {
		b, err := storage.Open(t.Context(), srv.NewBucket(t))
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, b.Close()) })
		return b
	})
}
