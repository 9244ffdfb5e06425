/**
 * The demo seed plan: a fictional province's org tree, command centres, demo users, demo
 * cameras and supervised persons, as plain data. Pure and deterministic: no I/O, no clock, no
 * `Math.random` (variety comes from a fixed-seed PRNG), so every call returns the same plan.
 * The store's `npm run seed` command turns the plan into rows (adding ids, timestamps,
 * passwords and RTSP URLs); nothing here touches a database.
 *
 * Everything is made up. The province (青岚省), its 14 cities, 122 counties and their judicial
 * offices (司法所) have generated, fictional Simplified-Chinese names; ids follow the shape of
 * GB/T 2260 codes under the unassigned province code 99, so they cannot collide with a real
 * division. Person names are random combinations of common surnames and given-name characters,
 * and case numbers use the fictional province abbreviation 岚.
 *
 * Shape of the tree (ids):
 * - province `990000`;
 * - cities `99CC00`, CC = 01..14;
 * - counties `99CCNN`, NN = 01.. within the city (7 to 11 per city, 122 in all);
 * - townships (司法所) county id + `001`.. (9 digits), 2 to 4 per county.
 */
import { mulberry32, type CommandCentre, type OrgUnit, type Role, type SupervisedPerson } from '@argus/shared';

/** What the caller supplies. */
export interface SeedPlanOptions {
  /**
   * The demo cameras' ids, e.g. `['demo-1', 'demo-2', 'demo-3', 'demo-4']` or `file-1`..`file-N`.
   * Each becomes one channel with the same id (so the wall's camera id stays unchanged).
   */
  demoCameraIds: string[];
}

/** A user to create. Passwords are the seeding command's business, not the plan's. */
export interface SeedUser {
  username: string;
  /** Chinese display name, e.g. `省级值班员`. */
  displayName: string;
  orgUnitId: string;
  roles: Role[];
}

/**
 * One demo camera: a `venue-camera` device with a single channel. The caller adds the RTSP
 * source (URL) and whatever else the store needs (timestamps, `ptz`, `enabled`).
 */
export interface SeedCamera {
  /** `device-<camera id>`. */
  deviceId: string;
  /** `<county name>矫正中心 <n>号摄像机`, n counting from 1 within the county. */
  deviceName: string;
  deviceKind: 'venue-camera';
  /** The demo camera id itself (e.g. `demo-1`). */
  channelId: string;
  /** Same as the device name. */
  channelName: string;
  /** The county the camera sits in (device and channel share it). */
  orgUnitId: string;
}

/** Org unit ids the demo users, cameras and tests hang on. */
export interface SeedAnchors {
  /** `990000`. */
  provinceId: string;
  /** First city, `990100`. */
  city1Id: string;
  /** Second city, `990200`. */
  city2Id: string;
  /** First county of the first city, `990101`. */
  county1Id: string;
  /** Second county of the first city, `990102`. */
  county2Id: string;
  /** First county of the second city, `990201`. */
  city2County1Id: string;
}

/** Everything {@link buildSeedPlan} returns. */
export interface SeedPlan {
  /** Province, cities, counties, townships; every parent precedes its children (depth-first). */
  orgUnits: OrgUnit[];
  /** 138 centres: province, province backup, 14 cities, 122 counties. */
  centres: CommandCentre[];
  users: SeedUser[];
  /** One per demo camera id, in the order given. */
  cameras: SeedCamera[];
  /** 20 fictional persons in counties of the first two cities. */
  supervisedPersons: SupervisedPerson[];
  anchors: SeedAnchors;
}

/** The fictional province's name. */
export const SEED_PROVINCE_NAME = '青岚省';
/** One-character abbreviation of the province, used in case numbers (`(2025)岚矫字第0001号`). */
export const SEED_PROVINCE_ABBREVIATION = '岚';
/** Province id (GB/T 2260 shape, fictional province code 99). */
export const SEED_PROVINCE_ID = '990000';
/** Counties per city, in city order (7 to 11 each, 122 in all). */
export const SEED_COUNTIES_PER_CITY: readonly number[] = [11, 9, 8, 10, 7, 9, 8, 11, 7, 8, 9, 10, 8, 7];
export const SEED_CITY_COUNT = 14;
export const SEED_COUNTY_COUNT = 122;
/** Province + province backup + 14 cities + 122 counties. */
export const SEED_CENTRE_COUNT = 138;
export const SEED_PERSON_COUNT = 20;

/** Usernames of the demo users. */
export const SEED_USERS = {
  /** Administrator at the province (configures; does not watch video or read the audit log). */
  admin: 'admin',
  /** Operator at the province: sees every channel. */
  provinceOperator: 'province-op',
  /** Operator at the first city: sees the first city's channels. */
  city1Operator: 'city1-op',
  /** Operator at the first county of the first city. */
  county1Operator: 'county1-op',
  /** Operator at the second county of the first city. */
  county2Operator: 'county2-op',
  /** Operator at the first county of the second city. */
  city2County1Operator: 'city2-county1-op',
  /** Supervisor (manages supervised persons) at the first county. */
  supervisor1: 'supervisor1',
  /** Presenter (wall view) at the province. */
  presenter1: 'presenter1',
  /** Auditor at the province (reads the audit log only). */
  auditor: 'auditor',
  /** Administrator at the first county (configures its subtree only). */
  countyAdmin: 'county-admin',
} as const;
export type SeedUsername = (typeof SEED_USERS)[keyof typeof SEED_USERS];

const CITY_BASE_NAMES = [
  '岚川', '澄原', '蘅州', '榆岗', '檀屏', '桐渡', '筠湾',
  '枳岭', '琅泉', '菱川', '荻原', '柘坪', '楠峪', '蓼洲',
] as const;

/** County names are a first character from here ... */
const COUNTY_FIRST_CHARS = [
  '澄', '蘅', '榆', '檀', '桐', '筠', '枳', '琅', '菱', '荻', '柘', '楠', '蓼', '芷', '棠', '苇',
  '蕙', '蒲', '榛', '杞', '樟', '枫', '槿', '茵', '芸', '荇', '藜', '萱', '葭', '珩', '瑛', '璞',
] as const;
/** ... and a second from here. */
const COUNTY_SECOND_CHARS = [
  '溪', '泉', '峪', '坪', '塘', '湾', '渡', '屏', '亭', '岗', '原', '陂', '汀', '埠', '垣', '堰',
  '湄', '麓', '浦', '岑', '峤', '滨', '坞', '沚',
] as const;
/** Combinations that are (or are too close to) real place names. */
const COUNTY_BLOCKLIST = new Set(['翠屏', '霞浦', '楠溪', '枫亭', '樟塘', '蒲塘', '桐浦', '萱岗']);

/** Township (镇) names: a first character from here and a second from the next list. */
const TOWN_FIRST_CHARS = [
  '东', '西', '南', '北', '上', '下', '新', '古', '石', '柳', '杏', '桃', '梅', '竹', '松', '柏',
  '槐', '麦', '禾', '白', '青', '金', '龙', '凤', '马', '鹤', '双', '三', '七', '大', '小', '高',
] as const;
const TOWN_SECOND_CHARS = [
  '岭', '湖', '坝', '庄', '堡', '集', '口', '桥', '铺', '店', '营', '寨', '湾', '塘', '岗', '河',
  '关', '坡', '沟', '台', '园', '坊',
] as const;
/** Sub-district (街道) names, generic urban ones. */
const STREET_NAMES = [
  '文昌', '和平', '建设', '新华', '兴隆', '迎宾', '春晖', '景明', '东城', '西城', '南关', '北关',
  '滨河', '朝晖', '育才', '光明', '友谊', '振兴', '永宁', '福安', '锦华', '翠湖', '望江', '清风',
] as const;

const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭',
  '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹',
] as const;
const GIVEN_CHARS = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超',
  '秀', '霞', '平', '刚', '桂', '华', '建', '国', '志', '文', '斌', '鹏', '辉', '宇', '浩', '凯',
  '婷', '雪', '琳', '晨', '峰', '亮', '红', '梅', '春', '玉', '海', '兰', '德', '林',
] as const;

/** Fixed seeds: one PRNG stream per concern, so e.g. the camera list never shifts the tree. */
const SEEDS = { counties: 0x5eed_0001, townships: 0x5eed_0002, persons: 0x5eed_0003 } as const;

/**
 * Build the demo seed plan. Pure and deterministic: every call returns a fresh, deep-equal plan;
 * the org tree, centres, users and persons do not depend on `demoCameraIds`.
 *
 * - `orgUnits`: 1 province, 14 cities, 122 counties (区, 县 and a few county-level 市), 2 to 4
 *   judicial offices (`<name>镇司法所` / `<name>街道司法所`) per county; parents first.
 * - `centres`: `centre-<org id>` at the province, each city and each county, plus the province
 *   backup centre `centre-990000-b` (138 in all).
 * - `users`: the {@link SEED_USERS} (roles and org units as their names say).
 * - `cameras`: camera index 0 and 1 → first county of the first city, 2 → its second county,
 *   3 → first county of the second city, further indices round-robin over those three.
 * - `supervisedPersons`: {@link SEED_PERSON_COUNT} fictional persons over the counties of the
 *   first two cities (two in each of the three camera counties, the rest spread over the
 *   others); only a few have `publicConsent`.
 *
 * @throws Error if a demo camera id is empty or repeated.
 */
export function buildSeedPlan(options: SeedPlanOptions): SeedPlan {
  const orgUnits = buildOrgUnits();
  const byId = new Map(orgUnits.map((unit) => [unit.id, unit]));
  const name = (id: string): string => required(byId.get(id), `org unit ${id}`).name;

  const anchors: SeedAnchors = {
    provinceId: SEED_PROVINCE_ID,
    city1Id: cityId(1),
    city2Id: cityId(2),
    county1Id: countyId(1, 1),
    county2Id: countyId(1, 2),
    city2County1Id: countyId(2, 1),
  };

  return {
    orgUnits,
    centres: buildCentres(orgUnits),
    users: buildUsers(anchors, name),
    cameras: buildCameras(options.demoCameraIds, anchors, name),
    supervisedPersons: buildPersons(orgUnits, anchors),
    anchors,
  };
}

function cityId(city: number): string {
  return `99${pad(city, 2)}00`;
}

function countyId(city: number, county: number): string {
  return `99${pad(city, 2)}${pad(county, 2)}`;
}

function buildOrgUnits(): OrgUnit[] {
  const countyRandom = mulberry32(SEEDS.counties);
  const townshipRandom = mulberry32(SEEDS.townships);
  const countyBaseNames = pickCountyBaseNames(countyRandom, SEED_COUNTY_COUNT);

  const units: OrgUnit[] = [{ id: SEED_PROVINCE_ID, parentId: null, level: 'province', name: SEED_PROVINCE_NAME }];
  let countyIndex = 0;
  SEED_COUNTIES_PER_CITY.forEach((countyCount, cityIndex) => {
    const city = cityIndex + 1;
    const cityUnitId = cityId(city);
    units.push({ id: cityUnitId, parentId: SEED_PROVINCE_ID, level: 'city', name: `${at(CITY_BASE_NAMES, cityIndex)}市` });

    // Urban districts first (the capital has three), then counties; every third city also
    // administers one county-level city, listed last.
    const districts = city === 1 ? 3 : 1 + (city % 2);
    const hasCountyCity = city % 3 === 0;
    for (let n = 1; n <= countyCount; n++) {
      const suffix = n <= districts ? '区' : hasCountyCity && n === countyCount ? '市' : '县';
      const id = countyId(city, n);
      units.push({ id, parentId: cityUnitId, level: 'county', name: `${at(countyBaseNames, countyIndex++)}${suffix}` });
      units.push(...buildTownships(id, suffix, townshipRandom));
    }
  });
  return units;
}

/** `count` distinct two-character county names, none a city's name or on the blocklist. */
function pickCountyBaseNames(random: () => number, count: number): string[] {
  const excluded = new Set<string>([...CITY_BASE_NAMES, ...COUNTY_BLOCKLIST]);
  const candidates: string[] = [];
  for (const first of COUNTY_FIRST_CHARS) {
    for (const second of COUNTY_SECOND_CHARS) {
      const candidate = first + second;
      if (!excluded.has(candidate)) candidates.push(candidate);
    }
  }
  shuffle(candidates, random);
  // Spread first characters: take at most 4 names starting with any one character.
  const perFirst = new Map<string, number>();
  const picked: string[] = [];
  for (const candidate of candidates) {
    if (picked.length === count) break;
    const first = candidate.charAt(0);
    const used = perFirst.get(first) ?? 0;
    if (used >= 4) continue;
    perFirst.set(first, used + 1);
    picked.push(candidate);
  }
  if (picked.length !== count) throw new Error(`only ${picked.length} county names available`);
  return picked;
}

/** 2 to 4 judicial offices of one county: 街道 in districts, mostly 镇 elsewhere. */
function buildTownships(countyUnitId: string, countySuffix: string, random: () => number): OrgUnit[] {
  const count = 2 + Math.floor(random() * 3);
  const usedBases = new Set<string>();
  const units: OrgUnit[] = [];
  for (let n = 1; n <= count; n++) {
    // Districts: all 街道. County-level cities: the first is a 街道. Counties: the first is a
    // 街道 half the time (the county seat), the rest are 镇.
    const street = countySuffix === '区' || (n === 1 && (countySuffix === '市' || random() < 0.5));
    let base: string;
    do {
      base = street
        ? at(STREET_NAMES, Math.floor(random() * STREET_NAMES.length))
        : at(TOWN_FIRST_CHARS, Math.floor(random() * TOWN_FIRST_CHARS.length)) +
          at(TOWN_SECOND_CHARS, Math.floor(random() * TOWN_SECOND_CHARS.length));
    } while (usedBases.has(base));
    usedBases.add(base);
    units.push({
      id: `${countyUnitId}${pad(n, 3)}`,
      parentId: countyUnitId,
      level: 'township',
      name: `${base}${street ? '街道' : '镇'}司法所`,
    });
  }
  return units;
}

function buildCentres(orgUnits: OrgUnit[]): CommandCentre[] {
  const centres: CommandCentre[] = [
    { id: `centre-${SEED_PROVINCE_ID}`, orgUnitId: SEED_PROVINCE_ID, name: `${SEED_PROVINCE_NAME}社区矫正指挥中心` },
    { id: `centre-${SEED_PROVINCE_ID}-b`, orgUnitId: SEED_PROVINCE_ID, name: `${SEED_PROVINCE_NAME}社区矫正应急指挥中心` },
  ];
  for (const unit of orgUnits) {
    if (unit.level === 'city' || unit.level === 'county') {
      centres.push({ id: `centre-${unit.id}`, orgUnitId: unit.id, name: `${unit.name}社区矫正指挥中心` });
    }
  }
  return centres;
}

function buildUsers(anchors: SeedAnchors, name: (id: string) => string): SeedUser[] {
  const user = (username: SeedUsername, displayName: string, orgUnitId: string, role: Role): SeedUser => ({
    username,
    displayName,
    orgUnitId,
    roles: [role],
  });
  return [
    user(SEED_USERS.admin, '省级系统管理员', anchors.provinceId, 'admin'),
    user(SEED_USERS.provinceOperator, '省级值班员', anchors.provinceId, 'operator'),
    user(SEED_USERS.city1Operator, `${name(anchors.city1Id)}值班员`, anchors.city1Id, 'operator'),
    user(SEED_USERS.county1Operator, `${name(anchors.county1Id)}值班员`, anchors.county1Id, 'operator'),
    user(SEED_USERS.county2Operator, `${name(anchors.county2Id)}值班员`, anchors.county2Id, 'operator'),
    user(SEED_USERS.city2County1Operator, `${name(anchors.city2County1Id)}值班员`, anchors.city2County1Id, 'operator'),
    user(SEED_USERS.supervisor1, `${name(anchors.county1Id)}矫正工作人员`, anchors.county1Id, 'supervisor'),
    user(SEED_USERS.presenter1, '省级大屏演示员', anchors.provinceId, 'presenter'),
    user(SEED_USERS.auditor, '省级安全审计员', anchors.provinceId, 'auditor'),
    user(SEED_USERS.countyAdmin, `${name(anchors.county1Id)}系统管理员`, anchors.county1Id, 'admin'),
  ];
}

function buildCameras(ids: readonly string[], anchors: SeedAnchors, name: (id: string) => string): SeedCamera[] {
  const seen = new Set<string>();
  const perCounty = new Map<string, number>();
  const rotation = [anchors.county1Id, anchors.county2Id, anchors.city2County1Id];
  return ids.map((id, index) => {
    if (id.length === 0) throw new Error(`demo camera id at index ${index} is empty`);
    if (seen.has(id)) throw new Error(`duplicate demo camera id ${id}`);
    seen.add(id);
    const orgUnitId =
      index <= 1 ? anchors.county1Id : index === 2 ? anchors.county2Id : index === 3 ? anchors.city2County1Id : at(rotation, (index - 4) % 3);
    const n = (perCounty.get(orgUnitId) ?? 0) + 1;
    perCounty.set(orgUnitId, n);
    const deviceName = `${name(orgUnitId)}矫正中心 ${n}号摄像机`;
    return { deviceId: `device-${id}`, deviceName, deviceKind: 'venue-camera', channelId: id, channelName: deviceName, orgUnitId };
  });
}

function buildPersons(orgUnits: OrgUnit[], anchors: SeedAnchors): SupervisedPerson[] {
  const random = mulberry32(SEEDS.persons);
  const cameraCounties = [anchors.county1Id, anchors.county2Id, anchors.city2County1Id];
  const otherCounties = orgUnits
    .filter((unit) => unit.level === 'county' && (unit.parentId === anchors.city1Id || unit.parentId === anchors.city2Id))
    .map((unit) => unit.id)
    .filter((id) => !cameraCounties.includes(id));
  // Two in each camera county (so the demo's scoping shows on the persons page too), the rest
  // round-robin over the other counties of the first two cities.
  const placement = [...cameraCounties, ...cameraCounties];
  for (let i = 0; placement.length < SEED_PERSON_COUNT; i++) placement.push(at(otherCounties, i % otherCounties.length));

  const usedNames = new Set<string>();
  const perYear = new Map<number, number>();
  return placement.map((orgUnitId, index) => {
    let name: string;
    do {
      const givenLength = random() < 0.6 ? 2 : 1;
      name = at(SURNAMES, Math.floor(random() * SURNAMES.length));
      while (name.length < 1 + givenLength) {
        const given = at(GIVEN_CHARS, Math.floor(random() * GIVEN_CHARS.length));
        if (!name.includes(given)) name += given; // no 林林, no 王伟伟
      }
    } while (usedNames.has(name));
    usedNames.add(name);

    const startYear = 2025 + Math.floor(random() * 2);
    const startMonth = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const months = 6 + Math.floor(random() * 31); // 6 to 36 months
    const endMonthIndex = startYear * 12 + (startMonth - 1) + months;
    const endYear = Math.floor(endMonthIndex / 12);
    const endMonth = (endMonthIndex % 12) + 1;

    const sequence = (perYear.get(startYear) ?? 0) + 1;
    perYear.set(startYear, sequence);
    return {
      id: `person-${pad(index + 1, 4)}`,
      name,
      caseNumber: `(${startYear})${SEED_PROVINCE_ABBREVIATION}矫字第${pad(sequence, 4)}号`,
      orgUnitId,
      supervisionStart: `${startYear}-${pad(startMonth, 2)}-${pad(day, 2)}`,
      supervisionEnd: `${endYear}-${pad(endMonth, 2)}-${pad(day, 2)}`,
      publicConsent: index === 4 || index === 13,
    };
  });
}


/** Fisher-Yates, in place. */
function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = at(items, i);
    items[i] = at(items, j);
    items[j] = tmp;
  }
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function at<T>(items: readonly T[], index: number): T {
  return required(items[index], `index ${index}`);
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`seed plan: missing ${what}`);
  return value;
}
