package dam

import "context"

// Message is one notification on its way to one person: the inbox stores
// it, email sends it. Text is plain text; Link, when set, is the one thing
// to click (a download, a dashboard).
type Message struct {
	Kind    string // request_received, request_approved, request_denied, share_invitation, ...
	To      Recipient
	Subject string
	Text    string
	Link    string
	// Details are label/value lines shown under the text (asset, reason, expiry...).
	Details []Detail
}

// Detail is one labelled line of a message.
type Detail struct {
	Label string
	Value string
}

// Recipient names who a message is for: a user (UserID set) or someone
// known only by email (a portal visitor, an external guest).
type Recipient struct {
	UserID string
	Email  string
	Name   string
}

// Notifier delivers messages. The Library always writes the in-app inbox
// of users; Notifiers such as email are added by the host.
type Notifier interface {
	Notify(ctx context.Context, m Message) error
}
