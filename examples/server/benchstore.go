package main

import "github.com/damkit/damkit/dam"

// benchStore lets a benchmark build (bench/http/run.sh's -noevents targets,
// built with the tag damkit_noevents) measure the server without its usage
// log. In every other build it returns the store it is given.
var benchStore = func(s dam.Store, err error) (dam.Store, error) { return s, err }
