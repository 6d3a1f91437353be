// Package service holds what every Slipway service binary does the same
// way around its own run function: main's signal handling and exit code
// (Main), the command line with -version and -h (Command.ParseArgs), the
// JSON logger and its "starting" record (Command.StartLogger), the
// listener with its "listening" record (Listen) and the record of how the
// server stopped (Stopped).
//
// The house style keeps a service's logic in
//
//	func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error
//
// so that tests can call it with their own arguments, environment and
// output, while main is only
//
//	func main() { service.Main(run) }
package service

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"slipway/libs/logging"
)

// RunFunc is a service's run function: it serves until ctx is cancelled.
// args are the command-line arguments including the program name, getenv
// reads the configuration, and stdout receives the logs and the -version
// and -h output.
type RunFunc func(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error

// Main runs run with a context that is cancelled on SIGINT or SIGTERM, the
// process's arguments, its environment and its stdout. If run returns an
// error, Main prints it to stderr and exits with status 1; otherwise it
// returns (and the process exits with status 0).
func Main(run RunFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// Command describes a service binary's command line: it takes no
// arguments and one flag, -version; -h prints the usage.
type Command struct {
	// Name is the service's name, e.g. "api": -version prints
	// "<Name> <Version>" and StartLogger logs "starting <Name>".
	Name string
	// Version is the build version.
	Version string
	// Help is printed by -h between the "Usage:" line and the flags: what
	// the service is and the environment variables that configure it. It
	// should end with a newline.
	Help string
}

// ParseArgs parses args, the command-line arguments including the program
// name. The -h output, the -version output and the usage after a flag
// error go to stdout. done reports that the program has nothing more to
// do and should exit successfully: -h printed the usage or -version the
// version. An unknown flag or any non-flag argument is an error.
func (c Command) ParseArgs(args []string, stdout io.Writer) (done bool, err error) {
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stdout)
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s [-version]\n\n%s\nFlags:\n", fs.Name(), c.Help)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, err
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if *showVersion {
		_, err := fmt.Fprintf(stdout, "%s %s\n", c.Name, c.Version)
		return true, err
	}
	return false, nil
}

// StartLogger returns a logger that writes JSON lines to stdout at the
// given level name (see logging.ParseLevel) and logs through it the
// "starting <Name>" record with the version, the Go version and cfg. cfg
// should implement slog.LogValuer so that no secret is logged.
func (c Command) StartLogger(stdout io.Writer, level string, cfg any) (*slog.Logger, error) {
	logger, err := logging.New(stdout, level)
	if err != nil {
		return nil, err
	}
	logger.Info("starting "+c.Name, slog.String("version", c.Version), slog.String("go", runtime.Version()), slog.Any("config", cfg))
	return logger, nil
}

// Listen listens on the TCP address addr and logs a "listening" record
// whose "addr" is the actual address, which tells a caller that asked for
// port 0 (e.g. "127.0.0.1:0") where the service is; see testkit.Start.
func Listen(ctx context.Context, addr string, logger *slog.Logger) (net.Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	logger.Info("listening", slog.String("addr", ln.Addr().String()))
	return ln, nil
}

// Stopped logs how the server stopped, given the error that serving
// returned: "server stopped with an error" with the error, or "stopped"
// after a clean shutdown. It returns err.
func Stopped(logger *slog.Logger, err error) error {
	if err != nil {
		logger.Error("server stopped with an error", slog.Any("err", err))
		return err
	}
	logger.Info("stopped")
	return nil
}
