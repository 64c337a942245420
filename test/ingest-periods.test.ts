import { periodOf, withPeriod } from '../src/ingest/periods';

/** Other events' counts coded with the period their sentence gives (DOMAIN.md, "Other events"). */
const published = new Date('2026-11-29T10:00:00Z');
const days = (period: ReturnType<typeof periodOf>) =>
  period && `${period.start.toISOString().slice(0, 10)}..${period.end.toISOString().slice(0, 10)}`;

describe('the period of a count about another event', () => {
  it.each([
    ["Last year's attack on the same market killed 70 people.", '2025-01-01..2025-12-31'],
    ['In 2023, a similar bombing killed 12 soldiers.', '2023-01-01..2023-12-31'],
    ['A 2019 attack on the convoy killed 40 people.', '2019-01-01..2019-12-31'],
    ['A blast in March 2024 killed nine.', '2024-03-01..2024-03-31'],
    ['A bombing on March 3, 2024, killed nine.', '2024-03-03..2024-03-03'],
    // A month without its year is the last one before the article, not the one to come.
    ['The attack in December killed 14.', '2025-12-01..2025-12-31'],
    ['The attack in October killed 14.', '2026-10-01..2026-10-31'],
  ])('%s → %s', (sentence, expected) => {
    expect(days(periodOf(sentence, published))).toBe(expected);
  });

  it('runs a running total from its start to the article\'s date', () => {
    expect(days(periodOf('34 people have died since the protests began in December.', published))).toBe('2025-12-01..2026-11-29');
    expect(days(periodOf('Since January, 140 civilians have been killed in the province.', published))).toBe('2026-01-01..2026-11-29');
  });

  it.each([
    'The attack on Sunday killed five.',
    'In the past week, 20 people died.',
    'An attack in the same town killed 30 people.',
    'Militants killed 2019 people.',
  ])('dates nothing in "%s"', (sentence) => {
    expect(periodOf(sentence, published)).toBeNull();
  });

  it('reads only dates that say their year when the article is undated, never "last year"', () => {
    expect(days(periodOf('A blast in March 2024 killed nine.', null))).toBe('2024-03-01..2024-03-31');
    expect(periodOf("Last year's attack on the same market killed 70 people.", null)).toBeNull();
    expect(periodOf('The attack in October killed 14.', null)).toBeNull();
    expect(periodOf('34 people have died since the protests began in December.', null)).toBeNull();
  });
});

describe('withPeriod', () => {
  it('codes a dated count of another event with its period, no longer background', () => {
    const figure = withPeriod({ sentence: "Last year's attack on the same market killed 70 people.", background: true }, published);
    expect(figure).toMatchObject({ background: false, periodStart: new Date('2025-01-01T00:00:00Z') });
    expect(figure.periodEnd!.toISOString()).toBe('2025-12-31T23:59:59.999Z');
  });

  it('keeps an undated one background, and gives this event\'s counts no period', () => {
    expect(withPeriod({ sentence: 'A similar attack killed 30 people.', background: true }, published))
      .toMatchObject({ background: true, periodStart: null, periodEnd: null });
    expect(withPeriod({ sentence: 'A bomb killed five people in March 2024.', background: false }, published))
      .toMatchObject({ background: false, periodStart: null, periodEnd: null });
  });
});
