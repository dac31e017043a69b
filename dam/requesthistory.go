package dam

import (
	"context"
	"slices"
	"time"
)

// The steps of a request's history (RequestStep.What).
const (
	StepAsked    = "asked"
	StepApproved = "approved"
	StepDenied   = "denied"
	StepRevoked  = "revoked"
	StepEnded    = "ended" // the permission's validity ran out
)

// RequestStep is one event in the life of a download request.
type RequestStep struct {
	What string    `json:"what"` // one of the Step constants
	At   time.Time `json:"at"`
	// By names who did it: a person's name and email, a portal visitor's
	// email, or "automatic approval"; empty for an ended permission.
	By string `json:"by,omitempty"`
	// Message is the reason given when asking, or the decision's message.
	Message string `json:"message,omitempty"`
	// Validity is, when asking, how long the permission would last, and
	// on approval how long it was given for (0: until revoked).
	Validity time.Duration `json:"validity"`
}

// RequestDetail is a request with its history: asked (when, by whom,
// through which portal, why), decided (approved or denied, by whom, when,
// with which message and validity), and what became of its permission.
type RequestDetail struct {
	RequestView
	Requester string        `json:"requester"` // the requester's name and email
	Grants    []Grant       `json:"grants"`    // the permissions its approval made
	Steps     []RequestStep `json:"steps"`     // oldest first
}

// RequestHistory returns one request and its history, to the owners of its
// domain and to the person who asked. Any other actor gets NotFound, as for
// a missing request.
func (l *Library) RequestHistory(ctx context.Context, id string) (RequestDetail, error) {
	const op = "dam.RequestHistory"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return RequestDetail{}, err
	}
	if !validID(id) {
		return RequestDetail{}, absent(op, "request", id)
	}
	r, err := l.store.Request(ctx, id)
	if KindOf(err) == NotFound {
		return RequestDetail{}, absent(op, "request", id)
	}
	if err != nil {
		return RequestDetail{}, wrap(op, Internal, err)
	}
	if !actor.reaches(r.Domain) || (!actor.IsOwner() && (r.RequesterID == "" || r.RequesterID != actor.UserID)) {
		return RequestDetail{}, absent(op, "request", id)
	}
	views, err := l.requestViews(ctx, op, actor, []Request{r})
	if err != nil {
		return RequestDetail{}, err
	}
	gs, err := l.store.Grants(ctx, GrantQuery{RequestID: r.ID})
	if err != nil {
		return RequestDetail{}, wrap(op, Internal, err)
	}
	d := RequestDetail{RequestView: views[0], Grants: gs}
	names := map[string]string{"auto": "automatic approval"}
	who := func(userID string) string {
		if n, ok := names[userID]; ok {
			return n
		}
		n := "a person no longer in the library"
		if u, err := l.store.User(ctx, userID); err == nil {
			n = u.Email
			if u.Name != "" {
				n = u.Name + " (" + u.Email + ")"
			}
		}
		names[userID] = n
		return n
	}
	d.Requester = r.RequesterEmail
	if r.RequesterID != "" {
		d.Requester = who(r.RequesterID)
	}
	d.Steps = append(d.Steps, RequestStep{What: StepAsked, At: r.CreatedAt, By: d.Requester, Message: r.Reason, Validity: r.Validity})
	if r.DecidedAt != nil {
		s := RequestStep{What: StepDenied, At: *r.DecidedAt, By: who(r.DecidedBy), Message: r.Message}
		if r.Status == RequestApproved {
			s.What, s.Validity = StepApproved, r.Validity
			if len(gs) > 0 && gs[0].Until != nil {
				s.Validity = gs[0].Until.Sub(gs[0].From)
			} else if len(gs) > 0 {
				s.Validity = 0
			}
		}
		d.Steps = append(d.Steps, s)
	}
	now := l.now()
	for _, g := range gs {
		switch {
		case g.RevokedAt != nil && (g.Until == nil || g.RevokedAt.Before(*g.Until)):
			d.Steps = append(d.Steps, RequestStep{What: StepRevoked, At: *g.RevokedAt, By: who(g.RevokedBy)})
		case g.Until != nil && !now.Before(*g.Until):
			d.Steps = append(d.Steps, RequestStep{What: StepEnded, At: *g.Until})
		}
	}
	slices.SortStableFunc(d.Steps, func(a, b RequestStep) int { return a.At.Compare(b.At) })
	return d, nil
}
