package dam_test

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
)

// stubbornEngine finishes its render once released, whatever became of
// the caller's context (as a render that was nearly done would).
type stubbornEngine struct{ *gateEngine }

func (g stubbornEngine) Render(ctx context.Context, src rendition.Source, p rendition.Profile, _ *rendition.Options) (rendition.Result, error) {
	g.started <- struct{}{}
	<-g.release
	return rendition.Result{Data: testimage.PNG(testimage.Gradient(4, 2, 0)), MediaType: "image/png", Width: 4, Height: 2}, nil
}

// TestLeaderGoneWaiterStillServed: when the request that led a shared
// render goes away (a browser leaving the page) before the result is
// stored, a request still waiting for the same rendition renders it itself
// instead of getting an internal error (a thumbnail answered 500 under
// load).
func TestLeaderGoneWaiterStillServed(t *testing.T) {
	gate := stubbornEngine{newGate()}
	f := newFixture(t, &dam.Options{Engines: []rendition.Engine{gate}})
	a := f.upload(t, f.owner, "notes.txt", "plain text an engine renders")
	f.profile(t, dam.Profile{Name: "web", Width: 300, Height: 300})

	leaderCtx, leave := context.WithCancel(f.owner)
	leaderDone := make(chan error, 1)
	go func() {
		d, err := f.lib.OpenRendition(leaderCtx, a.ID, "web")
		if err == nil {
			_ = d.Close()
		}
		leaderDone <- err
	}()
	<-gate.started
	waiterDone := make(chan error, 1)
	var got []byte
	go func() {
		d, err := f.lib.OpenRendition(f.owner, a.ID, "web")
		if err == nil {
			got, err = io.ReadAll(d)
			_ = d.Close()
		}
		waiterDone <- err
	}()
	require.Eventually(t, func() bool { _, joined := dam.RenderStats(f.lib); return joined == 1 },
		renderWait, renderPoll, "the second request waits for the first's render")
	leave()
	close(gate.release)
	assert.Equal(t, dam.Canceled, dam.KindOf(<-leaderDone), "the leader gave up")
	require.NoError(t, <-waiterDone, "the waiter is served")
	assert.NotEmpty(t, got)
}
