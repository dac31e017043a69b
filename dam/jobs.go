package dam

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/damkit/damkit/storage"
)

// The worker that builds asynchronous downloads lives here, in dam, on the
// Library's own store rather than on a job library. riverqueue/river was
// weighed (issue 5 asks for a well-kept one): it brings its own schema and
// migrations beside ours, needs a pgx pool of its own (our Store speaks
// database/sql to both databases) and its SQLite driver is young; a job
// here is one row whose claim is a single compare-and-set UPDATE in
// JobStore.ClaimJob, progress and parts must be in that row for the
// download inbox anyway, and recovery is one more UPDATE on stale
// heartbeats. That is less code than the glue river would need.

// Job returns one download job of the actor (owners see the jobs in their reach).
func (l *Library) Job(ctx context.Context, id string) (Job, error) {
	const op = "dam.Job"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Job{}, err
	}
	return l.visibleJob(ctx, op, actor, id)
}

// Jobs lists the actor's download jobs, newest first: the download inbox.
func (l *Library) Jobs(ctx context.Context, cursor string, limit int) ([]Job, string, error) {
	const op = "dam.Jobs"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, "", err
	}
	if limit, err = l.page(op, cursor, limit); err != nil {
		return nil, "", err
	}
	js, next, err := l.store.Jobs(ctx, actor.UserID, cursor, limit)
	if err != nil {
		return nil, "", wrap(op, Internal, err)
	}
	out := js[:0]
	for _, j := range js {
		ok, err := l.reachesAssets(ctx, op, actor, jobAssetIDs(j))
		if err != nil {
			return nil, "", err
		}
		if ok {
			out = append(out, j)
		}
	}
	return out, next, nil
}

// CancelJob deletes a download job and its stored parts. A worker building
// it stops at its next step and removes what it wrote.
func (l *Library) CancelJob(ctx context.Context, id string) error {
	const op = "dam.CancelJob"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return err
	}
	j, err := l.visibleJob(ctx, op, actor, id)
	if err != nil {
		return err
	}
	if err := l.store.DeleteJob(ctx, j.ID); err != nil {
		return wrap(op, Internal, err)
	}
	l.deleteParts(ctx, j)
	return nil
}

// deleteParts removes a job's parts from the bucket; missing ones are fine.
func (l *Library) deleteParts(ctx context.Context, j Job) {
	if j.Status == JobReady {
		return
	}
	ctx = context.WithoutCancel(ctx)
	for _, p := range j.Parts {
		if err := l.bucket.Delete(ctx, partKey(j.ID, p.Number)); err != nil && !errors.Is(err, storage.ErrNotFound) {
			l.log.Error("deleting an archive part failed", "job", j.ID, "part", p.Number, "err", err)
		}
	}
}

// RunJobs builds queued downloads until ctx is done: it first requeues jobs
// of workers that died (stale heartbeat), then claims queued jobs one at a
// time, and every Options.JobPollInterval (or when a job is queued in this
// process) looks again and expires old archives. Hosts run it in a goroutine.
func (l *Library) RunJobs(ctx context.Context) error {
	worker := "worker-" + processName() + "-" + NewID(l.now())
	defer l.releaseLease(leaseJobsSweep, worker)
	t := time.NewTicker(l.opts.JobPollInterval)
	defer t.Stop()
	for {
		l.jobsSweepLeased(ctx, worker)
		if _, err := l.runQueued(ctx, worker); err != nil && ctx.Err() == nil {
			l.log.Error("running jobs failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-l.archives.wakeup():
		}
	}
}

// ProcessJobs builds queued downloads until none is left and returns how
// many it ran (for tests and one-shot hosts; RunJobs is the loop).
func (l *Library) ProcessJobs(ctx context.Context) (int, error) {
	return l.runQueued(ctx, "worker-"+NewID(l.now()))
}

func (l *Library) runQueued(ctx context.Context, worker string) (int, error) {
	n := 0
	for ctx.Err() == nil {
		j, err := l.store.ClaimJob(ctx, worker, l.now().UTC())
		if KindOf(err) == NotFound {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
		l.runJob(ctx, j)
	}
	return n, ctx.Err()
}

// RecoverJobs puts running jobs whose worker stopped sending heartbeats for
// Options.JobStaleAfter back in the queue; a job claimed MaxJobAttempts
// times fails with a message instead. It returns how many were requeued.
func (l *Library) RecoverJobs(ctx context.Context) (int, error) {
	const op = "dam.RecoverJobs"
	now := l.now().UTC()
	requeued, failed, err := l.store.RequeueStaleJobs(ctx, now.Add(-l.opts.JobStaleAfter), l.opts.MaxJobAttempts, now, now.Add(l.opts.ArchiveTTL))
	if err != nil {
		return 0, wrap(op, Internal, err)
	}
	if requeued+failed > 0 {
		l.log.Warn("recovered jobs of a stopped worker", "requeued", requeued, "failed", failed)
	}
	return requeued, nil
}

// SweepArchives deletes the parts of downloads past Options.ArchiveTTL and
// marks them expired. It returns how many expired.
func (l *Library) SweepArchives(ctx context.Context) (int, error) {
	const op = "dam.SweepArchives"
	n := 0
	for {
		js, err := l.store.ExpiredJobs(ctx, l.now().UTC(), 100)
		if err != nil {
			return n, wrap(op, Internal, err)
		}
		for _, j := range js {
			l.deleteParts(ctx, j)
			from := j.Status
			j.Status, j.UpdatedAt = JobExpired, l.now().UTC()
			for i := range j.Parts {
				j.Parts[i].Ready = false
			}
			if err := l.store.UpdateJob(ctx, j, from); err != nil && KindOf(err) != Conflict && KindOf(err) != NotFound {
				return n, wrap(op, Internal, err)
			}
			n++
		}
		if len(js) < 100 {
			return n, nil
		}
	}
}

// errJobGone says the job was cancelled or another worker took it over.
var errJobGone = errors.New("dam: job cancelled or claimed by another worker")

// runJob builds a claimed job and records how it ended.
func (l *Library) runJob(ctx context.Context, j Job) {
	err := l.build(ctx, &j)
	bg := context.WithoutCancel(ctx)
	now := l.now().UTC()
	switch {
	case err == nil:
		return
	case errors.Is(err, errJobGone):
		l.deleteParts(bg, j)
		return
	case ctx.Err() != nil:
		// Shutting down: the job goes back to the queue for the next start
		// (the next claim replaces claimed_by).
		j.Status, j.Heartbeat, j.UpdatedAt = JobQueued, nil, now
		l.saveJob(bg, j)
		return
	}
	l.log.Error("building an archive failed", "job", j.ID, "err", err)
	exp := now.Add(l.opts.ArchiveTTL)
	j.Status, j.Error, j.UpdatedAt, j.ExpiresAt = JobFailed, ErrorMessage(err), now, &exp
	if KindOf(err) == Internal {
		j.Error = "the archive could not be built; ask for the download again"
	}
	l.saveJob(bg, j)
	l.notifyJob(bg, j)
}

// saveJob writes a job this worker still claims.
func (l *Library) saveJob(ctx context.Context, j Job) {
	if err := l.store.UpdateJob(ctx, j, JobRunning); err != nil {
		l.log.Error("saving a job failed", "job", j.ID, "err", err)
	}
}

// build lays out a claimed job and writes its parts to the bucket, one
// after the other, marking each ready as soon as it is stored.
func (l *Library) build(ctx context.Context, j *Job) error {
	const op = "dam.build"
	ctx, err := l.jobContext(ctx, op, *j) // renditions are opened under the requester's rights
	if err != nil {
		return err
	}
	plan, extra, err := l.planWith(ctx, op, *j, l.opts.MaxPartSize, nil, true)
	if err != nil {
		return err
	}
	j.Skipped = mergeSkipped(j.Skipped, wholeAssets(extra, fileCounts(j.Items))...)
	old := map[int]JobPart{}
	for _, p := range j.Parts {
		if p.Ready {
			old[p.Number] = p
		}
	}
	j.Parts = planParts(plan, false)
	j.BytesTotal, j.BytesDone, j.EntriesDone, j.EntriesTotal = 0, 0, 0, 0
	for _, p := range j.Parts {
		j.BytesTotal += p.Size
	}
	for i, a := range plan.Parts {
		entries := a.Len()
		if i == 0 && plan.Manifest != nil {
			entries--
		}
		j.EntriesTotal += entries
	}
	if j.EntriesTotal == 0 {
		return E(op, FailedPrecondition, "every asset of the download was deleted, or cannot be rendered, since it was asked for")
	}
	if err := l.heartbeat(ctx, j); err != nil {
		return err
	}
	for i, a := range plan.Parts {
		p := &j.Parts[i]
		entries := a.Len()
		if i == 0 && plan.Manifest != nil {
			entries--
		}
		if prev, ok := old[p.Number]; ok && prev.Ready && prev.ETag == p.ETag {
			// Built before a restart: the same layout gives the same bytes.
			if ok, _ := l.bucket.Exists(ctx, partKey(j.ID, p.Number)); ok {
				p.Ready = true
				j.BytesDone += p.Size
				j.EntriesDone += entries
				continue
			}
		}
		pw := &progressWriter{l: l, j: j, ctx: ctx, last: l.now()}
		if err := l.writePart(ctx, partKey(j.ID, p.Number), pw, a.Stream); err != nil {
			return err
		}
		if pw.err != nil {
			return pw.err
		}
		p.Ready = true
		j.EntriesDone += entries
		if err := l.heartbeat(ctx, j); err != nil {
			return err
		}
	}
	now := l.now().UTC()
	exp := now.Add(l.opts.ArchiveTTL)
	j.Status, j.UpdatedAt, j.ExpiresAt = JobDone, now, &exp
	if err := l.store.UpdateJob(ctx, *j, JobRunning); err != nil {
		if k := KindOf(err); k == Conflict || k == NotFound {
			return errJobGone
		}
		return err
	}
	l.log.Info("archive built", "job", j.ID, "parts", len(j.Parts), "bytes", j.BytesTotal)
	l.notifyJob(ctx, *j)
	return nil
}

// skips reports whether the asset was left out of the job (whole, or one
// of its smart crops).
func (j *Job) skips(assetID string) bool {
	for _, s := range j.Skipped {
		if s.AssetID == assetID {
			return true
		}
	}
	return false
}

// writePart streams one part into the bucket. The object appears only when
// every byte was written: a failure cancels the writer, leaving nothing.
func (l *Library) writePart(ctx context.Context, key string, pw *progressWriter, stream func(context.Context, io.Writer) (int64, error)) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := l.bucket.NewWriter(wctx, key, &storage.WriterOptions{ContentType: "application/zip"})
	if err != nil {
		return err
	}
	pw.w = w
	if _, err := stream(ctx, pw); err != nil {
		cancel()
		_ = w.Close()
		return err
	}
	return w.Close()
}

// heartbeat saves a running job's progress, which also tells RecoverJobs
// that its worker is alive.
func (l *Library) heartbeat(ctx context.Context, j *Job) error {
	now := l.now().UTC()
	j.Heartbeat, j.UpdatedAt = &now, now
	if err := l.store.UpdateJob(ctx, *j, JobRunning); err != nil {
		if k := KindOf(err); k == Conflict || k == NotFound {
			return errJobGone
		}
		return err
	}
	return nil
}

// progressWriter counts a part's bytes into the job and saves them with a
// heartbeat every JobProgressInterval (at most a fifth of JobStaleAfter),
// so a person watching the job sees it move, from the writing goroutine
// itself, so no goroutine outlives the build.
type progressWriter struct {
	l    *Library
	j    *Job
	ctx  context.Context
	w    io.Writer
	last time.Time
	err  error
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.j.BytesDone += int64(n)
	if now := p.l.now(); now.Sub(p.last) >= min(p.l.opts.JobStaleAfter/5, p.l.opts.JobProgressInterval) {
		p.last = now
		if herr := p.l.heartbeat(p.ctx, p.j); herr != nil && err == nil {
			p.err, err = herr, herr
		}
	}
	return n, err
}

// notifyJob tells the requester that a download is ready or failed (and,
// for one another user sent, who sent it and what was left out).
func (l *Library) notifyJob(ctx context.Context, j Job) {
	if j.Guest != nil {
		l.notifyLinkJob(ctx, j) // a guest's or visitor's, at their email (guestjobs.go)
		return
	}
	action := EventArchiveReady
	if j.Status != JobDone {
		action = EventArchiveFail
	}
	l.record(ctx, Event{ActorID: j.RequesterID, Action: action, Detail: "job " + j.ID})
	u, err := l.store.User(ctx, j.RequesterID)
	if err != nil {
		l.log.Error("loading the requester of a job failed", "job", j.ID, "err", err)
		return
	}
	m := Message{To: Recipient{UserID: u.ID, Email: u.Email, Name: u.Name}}
	if jl, ok := l.opts.Links.(JobLinks); ok {
		m.Link = jl.DownloadJob(j.ID)
	}
	details := []Detail{{Label: "Download", Value: j.Name}, {Label: "Assets", Value: fmt.Sprint(j.EntriesTotal)}}
	if len(j.Skipped) > 0 {
		details = append(details, Detail{Label: "Skipped", Value: fmt.Sprintf("%d (see the manifest)", len(j.Skipped))})
	}
	if j.Status == JobDone {
		m.Kind, m.Subject = NotifyArchiveReady, "Your download is ready"
		m.Text = fmt.Sprintf("Your archive of %d asset%s is ready in %d part%s.", j.EntriesTotal, plural(j.EntriesTotal), len(j.Parts), plural(len(j.Parts)))
		if j.ExpiresAt != nil {
			details = append(details, Detail{Label: "Available until", Value: j.ExpiresAt.Format(time.RFC1123)})
		}
	} else {
		m.Kind, m.Subject = NotifyArchiveFailed, "Your download failed"
		m.Text = "Your archive could not be built: " + j.Error
	}
	m.Details = details
	if j.SentBy != nil {
		sentMessage(&m, j)
	}
	l.notify(ctx, m)
}
