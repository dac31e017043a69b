package dam

import (
	"context"
	"fmt"
	"strings"
)

// Sending an archive to someone else (reference page 004, the "Email"
// download option): a download request may name other library users in
// DownloadRequest.SendTo. Each gets an archive of their own, owned by them
// and built by the worker like any job, holding what the requester may
// download and they may download too; the policy decides every asset as the
// recipient, through the same decisions as the requester's selection, and
// part fetches check it again for them. The rest is left out, listed on
// their job with the reason, and an asset they must not learn exists is
// listed only as "not available to you", without its ID or name.

// NotifyArchiveEmpty is the kind of the message a user named in SendTo
// gets when nothing of the sender's archive is theirs to download.
const NotifyArchiveEmpty = "archive_empty"

// ReasonNotAvailable is the reason of an item left out of an archive sent
// to a user who must not learn that the asset exists: the skipped entry
// carries neither the asset's ID nor its name.
const ReasonNotAvailable = "not_available"

// Sender is the user who sent an archive to its requester.
type Sender struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
}

// Sent is what one user named in SendTo got, as the sender sees it: counts
// only, never which assets were left out for them.
type Sent struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
	// JobID is the recipient's download job; "" when nothing was left for
	// them (no job was made, they were told so).
	JobID    string `json:"job_id,omitempty"`
	Included int    `json:"included"`
	LeftOut  int    `json:"left_out"`
}

// sendPlan is the archive one recipient gets.
type sendPlan struct {
	to      User
	jobID   string // "" when items is empty
	items   []selected
	skipped []SkippedAsset
}

// recipients resolves the users a download is sent to, named by user ID or
// email, in the order named, without duplicates or the sender. A name that
// is no library user fails the whole request, before anything is made.
func (l *Library) recipients(ctx context.Context, op string, sender Actor, names []string) ([]User, error) {
	if len(names) == 0 {
		return nil, nil
	}
	if len(names) > l.opts.MaxSendTo {
		return nil, E(op, Invalid, "send_to names %d people; the limit is %d", len(names), l.opts.MaxSendTo)
	}
	var byEmail map[string]User // read once, when an email is named
	seen := map[string]bool{sender.UserID: true}
	var out []User
	for _, raw := range names {
		name := strings.TrimSpace(raw)
		var u User
		switch {
		case name == "":
			return nil, E(op, Invalid, "send_to holds an empty name: name users by ID or email")
		case strings.Contains(name, "@"):
			if byEmail == nil {
				us, err := l.store.Users(ctx)
				if err != nil {
					return nil, wrap(op, Internal, err)
				}
				byEmail = make(map[string]User, len(us))
				for _, u := range us {
					byEmail[strings.ToLower(u.Email)] = u
				}
			}
			var ok bool
			// A user out of the sender's reach is no user to them (reach.go).
			if u, ok = byEmail[strings.ToLower(name)]; !ok || !sender.reachesUser(u) {
				return nil, E(op, Invalid, "send_to: %.100q is not a user of this library", name)
			}
		case validID(name):
			var err error
			if u, err = l.store.User(ctx, name); KindOf(err) == NotFound || err == nil && !sender.reachesUser(u) {
				return nil, E(op, Invalid, "send_to: %q is not a user of this library", name)
			} else if err != nil {
				return nil, wrap(op, Internal, err)
			}
		default:
			return nil, E(op, Invalid, "send_to: %.100q is neither a user ID nor an email address", name)
		}
		if !seen[u.ID] {
			seen[u.ID] = true
			out = append(out, u)
		}
	}
	return out, nil
}

// planSends asks the policy, as each recipient, about every asset the
// sender may download (allowed), and checks that the archives to build fit
// the sender's Options.MaxSentArchives.
func (l *Library) planSends(ctx context.Context, op string, sender Actor, to []User, allowed []selected) ([]sendPlan, error) {
	if len(to) == 0 {
		return nil, nil
	}
	plans := make([]sendPlan, len(to))
	jobs := 0
	for i, u := range to {
		ds, _, err := l.decisions(ctx, op, u.Actor(), allowed)
		if err != nil {
			return nil, err
		}
		p := sendPlan{to: u}
		for k, d := range ds {
			switch {
			case allowedButForLicence(d):
				// A licence the recipient has not accepted yet is asked
				// for when they fetch the archive.
				p.items = append(p.items, allowed[k])
			case d.Hidden():
				p.skipped = append(p.skipped, SkippedAsset{Skipped: Skipped{Reason: ReasonNotAvailable, Message: "not available to you"}})
			default:
				x := skipOf(allowed[k].asset, d)
				x.Crop = allowed[k].cropName()
				p.skipped = mergeSkipped(p.skipped, x)
			}
		}
		if len(p.items) > 0 {
			jobs++
		}
		plans[i] = p
	}
	if jobs == 0 {
		return plans, nil
	}
	active, err := l.store.ActiveSentJobs(ctx, sender.UserID)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	if active+jobs > l.opts.MaxSentArchives {
		return nil, E(op, ResourceExhausted, "%d archives you sent are still being built and this would send %d more; the limit is %d: wait for them to finish",
			active, jobs, l.opts.MaxSentArchives)
	}
	return plans, nil
}

// keepSent drops from the plans the assets the sender's own archive lost
// when it was laid out (a profile that cannot render them): they were not
// sent either. It then numbers the jobs and returns the sender's summary.
func (l *Library) keepSent(plans []sendPlan, j Job) []Sent {
	if len(plans) == 0 {
		return nil
	}
	type file struct{ asset, profile string }
	in := make(map[file]bool, len(j.Items))
	for _, it := range j.Items {
		in[file{it.AssetID, it.Profile}] = true
	}
	out := make([]Sent, len(plans))
	for i := range plans {
		p := &plans[i]
		kept := p.items[:0]
		for _, s := range p.items {
			if in[file{s.asset.ID, s.profile}] {
				kept = append(kept, s)
			}
		}
		p.items = kept
		if len(p.items) > 0 {
			p.jobID = NewID(l.now())
		}
		out[i] = Sent{UserID: p.to.ID, Email: p.to.Email, JobID: p.jobID, Included: len(p.items), LeftOut: len(p.skipped)}
	}
	return out
}

// send makes the recipients' jobs of a download whose own job j is stored,
// and tells those left with nothing at once.
func (l *Library) send(ctx context.Context, op string, sender Actor, j Job, plans []sendPlan) error {
	now := l.now().UTC()
	queued := false
	for _, p := range plans {
		if p.jobID == "" {
			l.notify(ctx, emptyMessage(sender, p))
			l.record(ctx, Event{ActorID: sender.UserID, Action: EventArchive,
				Detail: fmt.Sprintf("job %s: nothing sent to %s, %d left out", j.ID, p.to.ID, len(p.skipped))})
			continue
		}
		rj := Job{
			ID: p.jobID, RequesterID: p.to.ID, Name: j.Name, Items: make([]JobItem, len(p.items)),
			Options: j.Options, Status: JobQueued, Skipped: p.skipped, EntriesTotal: len(p.items),
			SentBy: &Sender{UserID: sender.UserID, Email: sender.Email}, CreatedAt: now, UpdatedAt: now,
		}
		for i, s := range p.items {
			rj.Items[i] = itemOf(s)
			rj.BytesTotal += s.asset.Current.Size
		}
		if err := l.store.CreateJob(ctx, rj); err != nil {
			return wrap(op, Internal, err)
		}
		queued = true
		l.record(ctx, Event{ActorID: sender.UserID, Action: EventArchive,
			Detail: fmt.Sprintf("job %s: sent to %s as job %s, %d assets, %d left out", j.ID, p.to.ID, rj.ID, len(rj.Items), len(p.skipped))})
	}
	if queued {
		l.archives.wake()
	}
	return nil
}

// emptyMessage tells a recipient that nothing of what was sent is theirs.
func emptyMessage(sender Actor, p sendPlan) Message {
	n := len(p.skipped)
	return Message{
		Kind: NotifyArchiveEmpty, To: Recipient{UserID: p.to.ID, Email: p.to.Email, Name: p.to.Name},
		Subject: sender.Email + " sent you a download holding nothing you may download",
		Text: fmt.Sprintf("%s sent you an archive, but none of its %d item%s may be downloaded by you, so no archive was made for you.",
			sender.Email, n, plural(n)),
		Details: append([]Detail{{Label: "Sent by", Value: sender.Email}}, leftOutDetails(p.skipped)...),
	}
}

// sentMessage turns the "your download is ready" (or failed) message of a
// job another user sent into one that says who sent it and what was left
// out, naming only the assets the recipient may see.
func sentMessage(m *Message, j Job) {
	from := j.SentBy.Email
	if j.Status == JobDone {
		m.Subject = from + " sent you a download"
		m.Text = fmt.Sprintf("%s sent you an archive of %d asset%s; it is ready in %d part%s.",
			from, j.EntriesTotal, plural(j.EntriesTotal), len(j.Parts), plural(len(j.Parts)))
		if n := len(j.Skipped); n > 0 {
			verb := "were"
			if n == 1 {
				verb = "was"
			}
			m.Text += fmt.Sprintf(" %d item%s of what they sent %s left out for you.", n, plural(n), verb)
		}
	} else {
		m.Subject = "A download " + from + " sent you failed"
		m.Text = "The archive " + from + " sent you could not be built: " + j.Error
	}
	details := []Detail{{Label: "Sent by", Value: from}}
	for _, d := range m.Details {
		if d.Label != "Skipped" {
			details = append(details, d)
		}
	}
	m.Details = append(details, leftOutDetails(j.Skipped)...)
}

// maxLeftOutLines bounds the left-out assets a message names one by one.
const maxLeftOutLines = 10

// leftOutDetails lists why items were left out for a recipient: assets
// they may see by name (at most maxLeftOutLines), the others as a count.
func leftOutDetails(skipped []SkippedAsset) []Detail {
	var ds []Detail
	hidden, named := 0, 0
	for _, s := range skipped {
		if s.Reason == ReasonNotAvailable {
			hidden++
			continue
		}
		if named++; named <= maxLeftOutLines {
			ds = append(ds, Detail{Label: "Left out", Value: s.Name + ": " + s.Message})
		}
	}
	if named > maxLeftOutLines {
		ds = append(ds, Detail{Label: "Left out", Value: fmt.Sprintf("and %d more", named-maxLeftOutLines)})
	}
	if hidden > 0 {
		ds = append(ds, Detail{Label: "Left out", Value: fmt.Sprintf("%d item%s not available to you", hidden, plural(hidden))})
	}
	return ds
}
