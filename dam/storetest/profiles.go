package storetest

import (
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// profile builds an export profile named name.
func (f *fixture) profile(name string) dam.Profile {
	now := f.tick()
	return dam.Profile{Name: name, Width: 1024, Height: 768, Fit: "contain", Format: "jpeg", Quality: 80,
		Grayscale: true, CreatedBy: "o1", CreatedAt: now, UpdatedBy: "o1", UpdatedAt: now}
}

var profileTests = []test{
	{"CreateGetList", func(t *testing.T, f *fixture) {
		list, err := f.s.Profiles(f.ctx)
		require.NoError(t, err)
		assert.Empty(t, list, "a fresh store has no profiles")
		web := f.profile("web")
		thumb := f.profile("a-thumb")
		thumb.Watermark = &dam.ProfileWatermark{Image: []byte{0x89, 'P', 'N', 'G', 0, 1, 2}, Position: "tile", Opacity: 30}
		require.NoError(t, f.s.CreateProfile(f.ctx, web))
		require.NoError(t, f.s.CreateProfile(f.ctx, thumb))
		got, err := f.s.Profile(f.ctx, "web")
		require.NoError(t, err)
		assert.Equal(t, web, got)
		list, err = f.s.Profiles(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, []dam.Profile{thumb, web}, list, "listed by name, watermark bytes kept")
		requireKind(t, dam.AlreadyExists, f.s.CreateProfile(f.ctx, f.profile("web")))
		_, err = f.s.Profile(f.ctx, "nope")
		requireKind(t, dam.NotFound, err)
	}},
	{"UpdateAndDelete", func(t *testing.T, f *fixture) {
		p := f.profile("web")
		require.NoError(t, f.s.CreateProfile(f.ctx, p))
		p.Width, p.Format, p.Grayscale, p.UpdatedBy, p.UpdatedAt = 2048, "png", false, "o2", f.tick()
		p.Watermark = &dam.ProfileWatermark{Text: "DRAFT", Position: "c", Opacity: 50}
		require.NoError(t, f.s.UpdateProfile(f.ctx, p))
		got, err := f.s.Profile(f.ctx, "web")
		require.NoError(t, err)
		assert.Equal(t, p, got)
		requireKind(t, dam.NotFound, f.s.UpdateProfile(f.ctx, f.profile("nope")))
		require.NoError(t, f.s.DeleteProfile(f.ctx, "web"))
		_, err = f.s.Profile(f.ctx, "web")
		requireKind(t, dam.NotFound, err)
		requireKind(t, dam.NotFound, f.s.DeleteProfile(f.ctx, "web"))
	}},
}
