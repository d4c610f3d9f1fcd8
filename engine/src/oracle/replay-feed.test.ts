import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ReplayFeed } from './replay-feed.js'
import { sp500Daily } from './history.js'
import { parsePrice } from './price.js'

const history = [
  { date: 'd0', close: 100, closeText: '100' },
  { date: 'd1', close: 110, closeText: '110' },
  { date: 'd2', close: 120, closeText: '120' },
]

test('publishes one historical day per msPerDay, each once', () => {
  const feed = new ReplayFeed({ symbol: 'sSPX', history, sourceName: 'test', start: 1000, msPerDay: 10 })
  assert.deepEqual(feed.poll(999), [])
  assert.deepEqual(feed.poll(1000).map((u) => u.price), [parsePrice('100')])
  assert.deepEqual(feed.poll(1009), [])
  const next = feed.poll(1025)
  assert.deepEqual(next.map((u) => [u.price, u.publishedAt, u.source]), [
    [parsePrice('110'), 1010, 'replay:test d1'],
    [parsePrice('120'), 1020, 'replay:test d2'],
  ])
  assert.deepEqual(feed.poll(5000), [], 'without loop the history ends and the feed goes quiet')
})

test('a looping replay continues from the last price instead of jumping back', () => {
  const feed = new ReplayFeed({ symbol: 'sSPX', history, sourceName: 'test', start: 0, msPerDay: 1, loop: true })
  const prices = feed.poll(5).map((u) => u.price)
  // Second pass scaled by 120/100: 120, 132, 144.
  assert.deepEqual(prices, ['100', '110', '120', '120', '132', '144'].map(parsePrice))
})

test('replays the real S&P 500 closes exactly', () => {
  const sp = sp500Daily()
  const feed = new ReplayFeed({ symbol: 'sSPX', history: sp, sourceName: 'sp500-2000.csv', start: 0, msPerDay: 100 })
  const first = feed.poll(0)[0]!
  assert.equal(first.price, parsePrice('1455.219971'))
  assert.equal(first.source, 'replay:sp500-2000.csv 2000-01-03')
})
