package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// config is the saved login.
type config struct {
	Server string `json:"server"`
	Key    string `json:"key"`
}

// configPath is the config file: -config, else damkit/config.json in the
// user's config directory.
func (e *env) configPath() string {
	if e.config != "" {
		return e.config
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "damkit", "config.json")
}

func loadConfig(path string) (config, error) {
	var c config
	if path == "" {
		return c, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("reading the saved login: %w", err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("the saved login in %s is not readable (%v): run damkit login again", path, err)
	}
	return c, nil
}

// saveConfig writes the login readable by its owner only (0600), in a
// directory only they can list (0700).
func saveConfig(path string, c config) error {
	if path == "" {
		return errors.New("no user config directory: give -config FILE")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // an older file's mode stays otherwise
		return err
	}
	return os.Rename(tmp, path)
}

func runLogin(e *env, args []string) error {
	fs := e.flags("login")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("login takes no arguments")
	}
	if e.server == "" {
		return usagef("login needs -server URL")
	}
	if e.key == "" {
		if e.tty {
			fmt.Fprint(e.stderr, "API key: ")
		}
		line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		e.key = strings.TrimSpace(line)
		if e.key == "" {
			return usagef("login needs an API key: -key KEY, $DAMKIT_KEY, or one line on stdin")
		}
	}
	if err := e.connect(); err != nil {
		return err
	}
	me, err := e.c.Me(e.ctx)
	if err != nil {
		return err
	}
	path := e.configPath()
	if err := saveConfig(path, config{Server: e.c.BaseURL(), Key: e.key}); err != nil {
		return err
	}
	e.emit(map[string]any{"server": e.c.BaseURL(), "email": me.Email, "role": me.Role, "config": path}, func(w io.Writer) {
		fmt.Fprintf(w, "logged in to %s as %s (%s); saved in %s\n", e.c.BaseURL(), me.Email, me.Role, path)
	})
	return nil
}
