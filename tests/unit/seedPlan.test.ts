import { describe, expect, it } from 'vitest';
import { ROLES, type OrgLevel } from '@argus/shared';
import {
  buildSeedPlan,
  SEED_CENTRE_COUNT,
  SEED_COUNTIES_PER_CITY,
  SEED_PERSON_COUNT,
  SEED_PROVINCE_ID,
  SEED_USERS,
} from '../../sfu/src/seed/seedPlan.js';

const DEMO = ['demo-1', 'demo-2', 'demo-3', 'demo-4'];
const plan = buildSeedPlan({ demoCameraIds: DEMO });
const unitById = new Map(plan.orgUnits.map((unit) => [unit.id, unit]));
const ofLevel = (level: OrgLevel) => plan.orgUnits.filter((unit) => unit.level === level);

describe('buildSeedPlan: org tree', () => {
  it('has 1 province, 14 cities, 122 counties and 2 to 4 townships per county', () => {
    expect(ofLevel('province')).toHaveLength(1);
    expect(ofLevel('city')).toHaveLength(14);
    expect(ofLevel('county')).toHaveLength(122);
    expect(SEED_COUNTIES_PER_CITY.reduce((a, b) => a + b, 0)).toBe(122);
    for (const city of ofLevel('city')) {
      const counties = plan.orgUnits.filter((unit) => unit.parentId === city.id);
      expect(counties.length).toBeGreaterThanOrEqual(7);
      expect(counties.length).toBeLessThanOrEqual(11);
    }
    for (const county of ofLevel('county')) {
      const townships = plan.orgUnits.filter((unit) => unit.parentId === county.id);
      expect(townships.length).toBeGreaterThanOrEqual(2);
      expect(townships.length).toBeLessThanOrEqual(4);
    }
    expect(plan.orgUnits).toHaveLength(1 + 14 + 122 + ofLevel('township').length);
  });

  it('lists every parent before its children, with levels matching the parent', () => {
    const expectedParentLevel: Record<OrgLevel, OrgLevel | null> = {
      province: null,
      city: 'province',
      county: 'city',
      township: 'county',
    };
    const seen = new Map<string, OrgLevel>();
    for (const unit of plan.orgUnits) {
      if (unit.parentId === null) {
        expect(unit.level).toBe('province');
      } else {
        expect(seen.has(unit.parentId), `${unit.id}: parent ${unit.parentId} not listed earlier`).toBe(true);
        expect(seen.get(unit.parentId)).toBe(expectedParentLevel[unit.level]);
      }
      seen.set(unit.id, unit.level);
    }
    expect(plan.orgUnits[0]).toEqual({ id: SEED_PROVINCE_ID, parentId: null, level: 'province', name: expect.stringMatching(/省$/) });
  });

  it('uses GB/T 2260-shaped ids under province 99', () => {
    for (const unit of plan.orgUnits) {
      expect(unit.id).toMatch(unit.level === 'township' ? /^\d{9}$/ : /^\d{6}$/);
      expect(unit.id.startsWith('99')).toBe(true);
    }
    expect(ofLevel('city').map((unit) => unit.id)).toEqual(
      Array.from({ length: 14 }, (_, i) => `99${String(i + 1).padStart(2, '0')}00`),
    );
    for (const county of ofLevel('county')) {
      expect(county.id.slice(0, 4)).toBe(county.parentId!.slice(0, 4));
      expect(county.id.slice(4)).not.toBe('00');
    }
    for (const township of ofLevel('township')) {
      expect(township.id.slice(0, 6)).toBe(township.parentId);
      expect(township.id.slice(6)).not.toBe('000');
    }
  });

  it('has no duplicate ids and no duplicate names among siblings (nor among counties)', () => {
    expect(new Set(plan.orgUnits.map((unit) => unit.id)).size).toBe(plan.orgUnits.length);
    const namesByParent = new Map<string | null, string[]>();
    for (const unit of plan.orgUnits) namesByParent.set(unit.parentId, [...(namesByParent.get(unit.parentId) ?? []), unit.name]);
    for (const [parentId, names] of namesByParent) expect(new Set(names).size, `children of ${parentId}`).toBe(names.length);
    const countyNames = ofLevel('county').map((unit) => unit.name);
    expect(new Set(countyNames).size).toBe(countyNames.length);
  });

  it('names units in Chinese with the right suffixes', () => {
    for (const city of ofLevel('city')) expect(city.name).toMatch(/^\p{Script=Han}{2}市$/u);
    for (const county of ofLevel('county')) expect(county.name).toMatch(/^\p{Script=Han}{2}[区县市]$/u);
    for (const township of ofLevel('township')) expect(township.name).toMatch(/^\p{Script=Han}{2}(镇|街道)司法所$/u);
  });
});

describe('buildSeedPlan: centres', () => {
  it('has 138 centres: province, province backup, every city and county', () => {
    expect(plan.centres).toHaveLength(138);
    expect(SEED_CENTRE_COUNT).toBe(138);
    expect(new Set(plan.centres.map((centre) => centre.id)).size).toBe(138);
    const provinceCentres = plan.centres.filter((centre) => centre.orgUnitId === SEED_PROVINCE_ID);
    expect(provinceCentres.map((centre) => centre.id)).toEqual(['centre-990000', 'centre-990000-b']);
    expect(provinceCentres[0]!.name).toMatch(/省社区矫正指挥中心$/);
    expect(provinceCentres[1]!.name).toMatch(/省社区矫正应急指挥中心$/);
    for (const unit of [...ofLevel('city'), ...ofLevel('county')]) {
      const centres = plan.centres.filter((centre) => centre.orgUnitId === unit.id);
      expect(centres.map((centre) => centre.id)).toEqual([`centre-${unit.id}`]);
      expect(centres[0]!.name).toBe(`${unit.name}社区矫正指挥中心`);
    }
    for (const centre of plan.centres) expect(unitById.get(centre.orgUnitId)?.level).not.toBe('township');
  });
});

describe('buildSeedPlan: anchors and users', () => {
  it('anchors the demo on the first two cities', () => {
    expect(plan.anchors).toEqual({
      provinceId: '990000',
      city1Id: '990100',
      city2Id: '990200',
      county1Id: '990101',
      county2Id: '990102',
      city2County1Id: '990201',
    });
    for (const id of Object.values(plan.anchors)) expect(unitById.has(id)).toBe(true);
  });

  it('creates the demo users in existing org units, with valid roles', () => {
    const byName = new Map(plan.users.map((user) => [user.username, user]));
    expect(byName.size).toBe(plan.users.length);
    for (const username of Object.values(SEED_USERS)) expect(byName.has(username), username).toBe(true);
    for (const user of plan.users) {
      expect(unitById.has(user.orgUnitId), `${user.username}: ${user.orgUnitId}`).toBe(true);
      expect(user.roles.length).toBeGreaterThan(0);
      for (const role of user.roles) expect(ROLES).toContain(role);
      expect(user.displayName).toMatch(/\p{Script=Han}/u);
    }
    const a = plan.anchors;
    const expected: Array<[string, string, string]> = [
      [SEED_USERS.admin, 'admin', a.provinceId],
      [SEED_USERS.provinceOperator, 'operator', a.provinceId],
      [SEED_USERS.city1Operator, 'operator', a.city1Id],
      [SEED_USERS.county1Operator, 'operator', a.county1Id],
      [SEED_USERS.county2Operator, 'operator', a.county2Id],
      [SEED_USERS.city2County1Operator, 'operator', a.city2County1Id],
      [SEED_USERS.supervisor1, 'supervisor', a.county1Id],
      [SEED_USERS.presenter1, 'presenter', a.provinceId],
      [SEED_USERS.auditor, 'auditor', a.provinceId],
      [SEED_USERS.countyAdmin, 'admin', a.county1Id],
    ];
    for (const [username, role, orgUnitId] of expected) {
      expect(byName.get(username), username).toMatchObject({ roles: [role], orgUnitId });
    }
    expect(SEED_USERS.provinceOperator).toBe('province-op');
    expect(SEED_USERS.city2County1Operator).toBe('city2-county1-op');
  });
});

describe('buildSeedPlan: demo cameras', () => {
  it('places demo-1/2 in county 1, demo-3 in county 2, demo-4 in city 2 county 1', () => {
    const { county1Id, county2Id, city2County1Id } = plan.anchors;
    expect(plan.cameras.map((camera) => [camera.channelId, camera.orgUnitId])).toEqual([
      ['demo-1', county1Id],
      ['demo-2', county1Id],
      ['demo-3', county2Id],
      ['demo-4', city2County1Id],
    ]);
    const county1 = unitById.get(county1Id)!.name;
    expect(plan.cameras[0]).toEqual({
      deviceId: 'device-demo-1',
      deviceName: `${county1}矫正中心 1号摄像机`,
      deviceKind: 'venue-camera',
      channelId: 'demo-1',
      channelName: `${county1}矫正中心 1号摄像机`,
      orgUnitId: county1Id,
    });
    expect(plan.cameras[1]!.deviceName).toBe(`${county1}矫正中心 2号摄像机`);
    expect(plan.cameras[3]!.deviceName).toBe(`${unitById.get(city2County1Id)!.name}矫正中心 1号摄像机`);
  });

  it('round-robins further cameras over the three demo counties, numbering within each county', () => {
    const ids = Array.from({ length: 9 }, (_, i) => `file-${i + 1}`);
    const { cameras, anchors } = buildSeedPlan({ demoCameraIds: ids });
    const { county1Id: c1, county2Id: c2, city2County1Id: c3 } = anchors;
    expect(cameras.map((camera) => camera.orgUnitId)).toEqual([c1, c1, c2, c3, c1, c2, c3, c1, c2]);
    expect(cameras.map((camera) => camera.channelId)).toEqual(ids);
    expect(new Set(cameras.map((camera) => camera.deviceName)).size).toBe(ids.length);
    expect(cameras[7]!.deviceName).toMatch(/ 4号摄像机$/);
  });

  it('handles no cameras and rejects empty or repeated ids', () => {
    expect(buildSeedPlan({ demoCameraIds: [] }).cameras).toEqual([]);
    expect(() => buildSeedPlan({ demoCameraIds: ['demo-1', 'demo-1'] })).toThrow(/duplicate/);
    expect(() => buildSeedPlan({ demoCameraIds: [''] })).toThrow(/empty/);
  });
});

describe('buildSeedPlan: supervised persons', () => {
  it('has 20 fictional persons in counties of the first two cities', () => {
    const persons = plan.supervisedPersons;
    expect(persons).toHaveLength(SEED_PERSON_COUNT);
    expect(new Set(persons.map((person) => person.id)).size).toBe(20);
    expect(new Set(persons.map((person) => person.name)).size).toBe(20);
    expect(new Set(persons.map((person) => person.caseNumber)).size).toBe(20);
    for (const person of persons) {
      const unit = unitById.get(person.orgUnitId);
      expect(unit?.level).toBe('county');
      expect([plan.anchors.city1Id, plan.anchors.city2Id]).toContain(unit?.parentId);
      expect(person.name).toMatch(/^\p{Script=Han}{2,3}$/u);
      expect(new Set(person.name).size, person.name).toBe(person.name.length);
      expect(person.caseNumber).toMatch(/^\(\d{4}\)\p{Script=Han}矫字第\d{4}号$/u);
      expect(person.supervisionStart).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(person.supervisionEnd).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(person.supervisionEnd > person.supervisionStart).toBe(true);
      expect(Number.isNaN(Date.parse(person.supervisionStart))).toBe(false);
      expect(Number.isNaN(Date.parse(person.supervisionEnd))).toBe(false);
    }
    const consenting = persons.filter((person) => person.publicConsent).length;
    expect(consenting).toBeLessThan(persons.length / 2);
    expect(persons.filter((person) => person.orgUnitId === plan.anchors.county1Id).length).toBeGreaterThan(0);
  });
});

describe('buildSeedPlan: determinism', () => {
  it('returns a deep-equal but fresh plan on every call', () => {
    const again = buildSeedPlan({ demoCameraIds: DEMO });
    expect(again).toEqual(plan);
    expect(again.orgUnits).not.toBe(plan.orgUnits);
    expect(again.orgUnits[0]).not.toBe(plan.orgUnits[0]);
  });

  it('does not let the camera list change anything but the cameras', () => {
    const { cameras: _a, ...withFour } = plan;
    const { cameras: _b, ...withNone } = buildSeedPlan({ demoCameraIds: [] });
    expect(withNone).toEqual(withFour);
  });
});
