// Command damkit is the command line of a damkit server: bulk uploads of
// folder trees (parallel, resumable, skipping what is in already),
// resumable downloads of assets and archives, listings, search, the
// requests dashboard, shares and the event log.
//
//	go install github.com/damkit/damkit/cmd/damkit@latest
//	damkit login -server http://127.0.0.1:8080 -key KEY
//	damkit upload -j 8 ./photos
//	damkit download -o ./out folder FOLDER_ID
//
// Every command takes -json (answers as JSON, for scripts), -server and
// -key (else DAMKIT_SERVER and DAMKIT_KEY, else the saved login). Progress
// bars are drawn only when standard output is a terminal.
//
// Exit codes:
//
//	0  success
//	1  failure (the server or the network refused; the message says why)
//	2  usage: unknown command, bad flags or arguments
//	3  partly done: some files failed, the rest went (rerun to retry them)
//	4  not allowed: no or bad API key, or no permission
//	5  not found
//	6  conflict or changed: a request decided already, a download that changed
//	130 interrupted (Ctrl-C); rerun to resume
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/damkit/damkit/client"
	"github.com/damkit/damkit/dam"
)

// The exit codes (documented above and in docs/client.md).
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitPartial     = 3
	exitAuth        = 4
	exitNotFound    = 5
	exitConflict    = 6
	exitInterrupted = 130
)

// command is one subcommand.
type command struct {
	name, args, help string
	run              func(e *env, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"login", "-server URL [-key KEY]", "check a server URL and API key (read from stdin when -key is absent) and save them", runLogin},
		{"upload", "[-j N] [-to FOLDER] [-manifest CSV] DIR|FILE...", "upload files and folder trees, recreating folders, skipping what is in already", runUpload},
		{"download", "[-o DIR] [-j N] asset ID...|collection ID|folder ID|search QUERY|job ID", "download assets, or an archive of a collection, folder, search or job", runDownload},
		{"ls", "[FOLDER]", "list a folder's subfolders and assets (a folder ID or path; the root when absent)", runLs},
		{"search", "[-kind K] [-limit N] QUERY", "search assets", runSearch},
		{"requests", "list [-status S] | approve ID... [-m MSG] | deny ID... [-m MSG]", "the download requests dashboard", runRequests},
		{"share", "[-days N] [-guests EMAILS] [-title T] [-collection ID] [ASSET_ID...]", "share assets with guests and print their links", runShare},
		{"export-events", "[-since TIME] [-until TIME] [-asset ID] [-actor ID] [-action A] [-csv]", "write the event log, oldest first, as JSON lines (or CSV)", runExportEvents},
	}
}

// env is what a command runs with.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	stdin  io.Reader
	tty    bool // stdout is a terminal: draw progress bars
	json   bool
	server string
	key    string
	config string // the config file's path
	c      *client.Client
}

// usageError is a command line mistake (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// partialError says some items failed (exit 3).
type partialError struct{ failed, total int }

func (e partialError) Error() string {
	return fmt.Sprintf("%d of %d failed; run the same command again to retry them", e.failed, e.total)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C ends the process at once
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, isTerminal(os.Stdout))
	stop()
	os.Exit(code)
}

// run runs one command line and returns the exit code.
func run(ctx context.Context, argv []string, stdin io.Reader, stdout, stderr io.Writer, tty bool) int {
	if len(argv) == 0 || argv[0] == "help" || argv[0] == "-h" || argv[0] == "-help" || argv[0] == "--help" {
		usage(stderr)
		if len(argv) == 0 {
			return exitUsage
		}
		return exitOK
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == argv[0] {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "damkit: unknown command %q\n", argv[0])
		usage(stderr)
		return exitUsage
	}
	e := &env{ctx: ctx, stdout: stdout, stderr: stderr, stdin: stdin, tty: tty}
	err := cmd.run(e, argv[1:])
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	code := exitCode(ctx, err)
	if e.json {
		_ = json.NewEncoder(stdout).Encode(map[string]any{"error": map[string]any{"message": err.Error(), "exit_code": code}})
	}
	fmt.Fprintf(stderr, "damkit %s: %v\n", cmd.name, err)
	if code == exitUsage {
		fmt.Fprintf(stderr, "usage: damkit %s %s\n", cmd.name, cmd.args)
	}
	return code
}

// exitCode maps an error to the documented exit codes.
func exitCode(ctx context.Context, err error) int {
	var ue usageError
	var pe partialError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case ctx.Err() != nil:
		return exitInterrupted
	case errors.As(err, &pe):
		return exitPartial
	}
	switch dam.KindOf(err) {
	case dam.Unauthenticated, dam.PermissionDenied, dam.NeedsRequest, dam.LicenceRequired:
		return exitAuth
	case dam.NotFound:
		return exitNotFound
	case dam.Conflict, dam.AlreadyExists, dam.FailedPrecondition:
		return exitConflict
	case dam.Canceled:
		return exitInterrupted
	case dam.Invalid:
		return exitFailure
	}
	return exitFailure
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "damkit: the command line of a damkit server")
	fmt.Fprintln(w, "\nusage: damkit COMMAND [flags] [arguments]  (flags come before arguments)")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-14s %s\n  %-14s   %s\n", c.name, c.help, "", c.args)
	}
	fmt.Fprintln(w, "\nevery command takes -json, -server URL and -key KEY (else $DAMKIT_SERVER, $DAMKIT_KEY, else the saved login)")
	fmt.Fprintln(w, "exit codes: 0 ok, 1 failure, 2 usage, 3 partly done (rerun), 4 not allowed, 5 not found, 6 conflict, 130 interrupted (rerun to resume)")
}

// flags returns a command's flag set with the common flags on e.
func (e *env) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("damkit "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.BoolVar(&e.json, "json", false, "write answers as JSON (one object, or one per line for listings)")
	fs.StringVar(&e.server, "server", os.Getenv("DAMKIT_SERVER"), "server URL ($DAMKIT_SERVER; else the saved login)")
	fs.StringVar(&e.key, "key", os.Getenv("DAMKIT_KEY"), "API key ($DAMKIT_KEY; else the saved login)")
	fs.StringVar(&e.config, "config", os.Getenv("DAMKIT_CONFIG"), "config file ($DAMKIT_CONFIG; default in the user config directory)")
	return fs
}

// parse parses a command's flags, mapping mistakes to usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// connect makes the client from the flags, the environment or the saved login.
func (e *env) connect() error {
	if e.server == "" || e.key == "" {
		cfg, err := loadConfig(e.configPath())
		if err != nil {
			return err
		}
		if e.server == "" {
			e.server = cfg.Server
		}
		if e.key == "" {
			e.key = cfg.Key
		}
	}
	if e.server == "" {
		return usagef("no server: run damkit login first, or give -server or $DAMKIT_SERVER")
	}
	c, err := client.New(e.server, e.key, nil)
	if err != nil {
		return usageError{err.Error()}
	}
	e.c = c
	return nil
}

// emit writes v as JSON (with -json) or text via the function.
func (e *env) emit(v any, text func(w io.Writer)) {
	if e.json {
		_ = json.NewEncoder(e.stdout).Encode(v)
		return
	}
	text(e.stdout)
}
