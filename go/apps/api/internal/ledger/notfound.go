package ledger

import (
	"errors"
	"fmt"
)

// ErrNotFound is what every NotFoundError is (errors.Is).
var ErrNotFound = errors.New("not found")

// What a NotFoundError may name.
const (
	// NotFoundImage is an image with no builds.
	NotFoundImage = "image"
	// NotFoundRun is a CI run with no builds.
	NotFoundRun = "CI run"
)

// NotFoundError is returned by a Store when what was asked for has no
// record: it names it, so that the answer can.
type NotFoundError struct {
	// Kind is NotFoundImage or NotFoundRun.
	Kind string
	// Name is the image name or CI run id that was asked for.
	Name string
}

// ImageNotFound is the error for an image without builds.
func ImageNotFound(image string) error { return &NotFoundError{Kind: NotFoundImage, Name: image} }

// RunNotFound is the error for an unknown CI run.
func RunNotFound(ciRunID string) error { return &NotFoundError{Kind: NotFoundRun, Name: ciRunID} }

// Error implements error.
func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %q not found", e.Kind, e.Name) }

// Is makes errors.Is(err, ErrNotFound) hold.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }
