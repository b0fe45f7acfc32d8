// Package layering holds no code: its test keeps the packages' dependencies to the shape the
// README describes, so that a shortcut across layers fails the build's tests.
package layering
