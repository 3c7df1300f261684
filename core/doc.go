// Package core holds regtracker's domain types: where results belong (release, module,
// job), what a test result is, and how it is counted. It uses only the standard library;
// the subpackages build on it (junit decodes reports into Results, store keeps them,
// importer moves them from one to the other).
package core
