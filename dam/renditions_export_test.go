package dam

// RenderStats exposes, to the dam_test package, how many renders a library
// started and how many callers waited on another caller's render.
func RenderStats(l *Library) (rendered, joined int64) {
	return l.renders.rendered.Load(), l.renders.joined.Load()
}
