//go:build race

package socket

// Under the race detector the concurrency tests run scaled down (the race
// runtime allows at most 8128 live goroutines).
const concClients, concMessages = 100, 20

const manyTasks = 1200
