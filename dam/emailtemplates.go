package dam

import (
	"embed"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	texttemplate "text/template"
)

// Email templates a host or an operator can replace (EmailOptions.Templates):
// a directory holding, for any notification kind (Message.Kind, e.g.
// request_received, archive_ready, webhook_disabled), KIND.html (an
// html/template, the HTML part) and KIND.txt (a text/template, the plain
// text part), and default.html / default.txt for every kind without its
// own. A part with no file in the directory keeps the built-in one.
//
// Both get the same data, EmailData:
//
//	.Kind     the notification kind
//	.Subject  the subject, one line
//	.Lines    the message text, one string per line
//	.Details  label/value pairs (.Label, .Value): asset, reason, expiry...
//	.Link     the page to open, an http(s) URL or ""
//	.Product  the product name (EmailOptions.ProductName)
//
// Everything is cleaned of control characters first, and html/template
// escapes it in the HTML part.
type EmailData = emailView

// emailTemplates are the templates read from a directory, by kind.
type emailTemplates struct {
	html map[string]*htmltemplate.Template
	text map[string]*texttemplate.Template
}

// maxTemplateBytes bounds one template file.
const maxTemplateBytes = 256 << 10

// loadEmailTemplates parses every KIND.html and KIND.txt of dir; a
// template that does not parse stops the notifier from being made.
func loadEmailTemplates(dir string) (*emailTemplates, error) {
	return loadTemplatesFS(os.DirFS(dir))
}

// builtinEmails are the built-in templates of the kinds that have their
// own (webhook_disabled); the others use the generic one. A directory's
// KIND or default template replaces them.
//
//go:embed emailtemplates/*.html emailtemplates/*.txt
var builtinEmailFiles embed.FS

var builtinEmails = func() *emailTemplates {
	sub, err := fs.Sub(builtinEmailFiles, "emailtemplates")
	if err != nil {
		panic(err)
	}
	t, err := loadTemplatesFS(sub)
	if err != nil {
		panic(err) // tested: the built-in templates parse
	}
	return t
}()

// loadTemplatesFS parses every KIND.html and KIND.txt at the top of fsys.
func loadTemplatesFS(fsys fs.FS) (*emailTemplates, error) {
	t := &emailTemplates{html: map[string]*htmltemplate.Template{}, text: map[string]*texttemplate.Template{}}
	files, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := f.Name()
		ext := filepath.Ext(name)
		kind := strings.TrimSuffix(name, ext)
		if f.IsDir() || (ext != ".html" && ext != ".txt") || kind == "" {
			continue
		}
		info, err := f.Info()
		if err != nil {
			return nil, err
		}
		if info.Size() > maxTemplateBytes {
			return nil, E("", Invalid, "email template %s is larger than %d bytes", name, maxTemplateBytes)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if ext == ".html" {
			tpl, err := htmltemplate.New(name).Option("missingkey=error").Parse(string(b))
			if err != nil {
				return nil, E("", Invalid, "email template %s: %v", name, err)
			}
			t.html[kind] = tpl
		} else {
			tpl, err := texttemplate.New(name).Option("missingkey=error").Parse(string(b))
			if err != nil {
				return nil, E("", Invalid, "email template %s: %v", name, err)
			}
			t.text[kind] = tpl
		}
	}
	return t, nil
}

// renderHTML writes the HTML part of v with the kind's template, the
// directory's default, or the built-in one.
func (t *emailTemplates) renderHTML(w io.Writer, v emailView) error {
	if t != nil {
		for _, k := range []string{v.Kind, "default"} {
			if tpl := t.html[k]; tpl != nil {
				return tpl.Execute(w, v)
			}
		}
	}
	if tpl := builtinEmails.html[v.Kind]; tpl != nil {
		return tpl.Execute(w, v)
	}
	return emailHTML.Execute(w, v)
}

// renderText writes the plain-text part likewise.
func (t *emailTemplates) renderText(w io.Writer, v emailView) error {
	if t != nil {
		for _, k := range []string{v.Kind, "default"} {
			if tpl := t.text[k]; tpl != nil {
				return tpl.Execute(w, v)
			}
		}
	}
	if tpl := builtinEmails.text[v.Kind]; tpl != nil {
		return tpl.Execute(w, v)
	}
	return textTemplate(w, v)
}
