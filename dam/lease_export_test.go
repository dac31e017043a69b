package dam

import "context"

// SweepLeased exposes, to the dam_test package, the sweep Run does each
// round as the lease holder holder.
func SweepLeased(ctx context.Context, l *Library, holder string) (SweepReport, error) {
	return l.sweepLeased(ctx, holder)
}

// CheckDownload exposes, to the dam_test package's benchmarks, the check
// CreateDownload makes before it builds anything: read the selection from
// the store, then ask the policy about every asset in it.
func CheckDownload(ctx context.Context, l *Library, req DownloadRequest) (allowed, skipped int, err error) {
	const op = "dam.CheckDownload"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return 0, 0, err
	}
	sel, _, err := l.selection(ctx, op, actor, req)
	if err != nil {
		return 0, 0, err
	}
	ok, skip, err := l.decideSelection(ctx, op, actor, sel)
	return len(ok), len(skip), err
}
