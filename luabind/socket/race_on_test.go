//go:build race

package socket

// Under the race detector the concurrency test runs scaled down.
const concClients, concMessages = 100, 20
