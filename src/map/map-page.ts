/**
 * The /map/ page in the browser: Leaflet with clustered, status-shaped markers, filters kept in
 * the URL, popups to the project and village pages, and an accessible list of the same filtered
 * projects. Imported only from a client <script> (Leaflet needs `window`).
 */
import L from 'leaflet';
import 'leaflet.markercluster';
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import './map.css';
import { STATUS_STYLES } from '../domain/ledger/status-style.ts';
import { FILTER_KEYS, filtersToSearch, listsProjects, matchesFilters, parseFilters, type MapFilters, type MapProject } from './filters.ts';
import { escapeHtml } from '../domain/shared/html-escape.ts';
import type { MapPlaces } from './places.ts';

interface TileConfig {
  kind: 'tianditu' | 'osm' | 'none';
  key?: string;
  url?: string;
  attribution?: string;
}

const root = document.getElementById('map')!;
const tiles = JSON.parse(root.dataset.tiles ?? '{"kind":"none"}') as TileConfig;
const defaults: Partial<MapFilters> = { year: root.dataset.defaultYear ?? '' };
const form = document.getElementById('map-filters') as HTMLFormElement;
const listEl = document.getElementById('map-list')!;
const countEl = document.getElementById('map-count')!;
const villageNote = document.getElementById('map-village')!;
/** A site over several counties: a county filter, and the list waits for a place (listsProjects). */
const severalCounties = root.dataset.severalCounties === 'true';
const countySelect = form.elements.namedItem('county') as HTMLSelectElement | null;
const townshipSelect = form.elements.namedItem('township') as HTMLSelectElement | null;

// A province spans zoom 6; one county, 8.
const map = L.map(root, { zoomControl: false, attributionControl: true, minZoom: severalCounties ? 6 : 8, maxZoom: 18 }).setView([26.4, 112.4], 10);
map.attributionControl.setPrefix(false);
L.control.zoom({ zoomInTitle: '放大', zoomOutTitle: '缩小' }).addTo(map);
if (tiles.kind === 'tianditu' && tiles.key) {
  const wmts = (layer: string) =>
    `https://t{s}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${tiles.key}`;
  const sub = ['0', '1', '2', '3', '4', '5', '6', '7'];
  L.tileLayer(wmts('vec'), { subdomains: sub, maxZoom: 18, attribution: tiles.attribution ?? '天地图' }).addTo(map);
  L.tileLayer(wmts('cva'), { subdomains: sub, maxZoom: 18 }).addTo(map);
} else if (tiles.kind === 'osm' && tiles.url) {
  L.tileLayer(tiles.url, { maxZoom: 18, attribution: tiles.attribution ?? '© OpenStreetMap contributors' }).addTo(map);
}

// The map's own light base: township names, and village names from zoom 12, from the site's
// published records (/map/places.json). Over several counties, county names when zoomed out and
// township names from zoom 10 (a province's two thousand townships at once are one smudge).
// Labels only: nothing to tap, no boundary lines or areas.
map.createPane('places').style.zIndex = '450';
/** Zoom from which village names are drawn. */
const VILLAGE_NAMES_FROM_ZOOM = 12;
/** Zoom from which township names are drawn (below it, over several counties, the counties'). */
const TOWNSHIP_NAMES_FROM_ZOOM = severalCounties ? 10 : 0;
const label = (p: { n: string; lat: number; lon: number }, kind: 'c' | 't' | 'v') =>
  L.marker([p.lat, p.lon], {
    icon: L.divIcon({ className: `place place-${kind}`, html: `<span>${escapeHtml(p.n)}</span>`, iconSize: [0, 0] }),
    interactive: false,
    keyboard: false,
    pane: 'places',
  });
void fetch('/map/places.json')
  .then((r) => r.json() as Promise<MapPlaces>)
  .then((places) => {
    const counties = L.layerGroup(places.counties.map((p) => label(p, 'c')));
    const townships = L.layerGroup(places.townships.map((p) => label(p, 't')));
    const villages = L.layerGroup(places.villages.map((p) => label(p, 'v')));
    const shownFrom = (layer: L.LayerGroup, shown: boolean) => (shown ? layer.addTo(map) : layer.remove());
    const showPlaces = () => {
      const zoom = map.getZoom();
      shownFrom(counties, zoom < TOWNSHIP_NAMES_FROM_ZOOM);
      shownFrom(townships, zoom >= TOWNSHIP_NAMES_FROM_ZOOM);
      shownFrom(villages, zoom >= VILLAGE_NAMES_FROM_ZOOM);
    };
    map.on('zoomend', showPlaces);
    showPlaces();
    root.dataset.places = String(places.townships.length);
  })
  .catch(() => undefined);

const cluster = L.markerClusterGroup({
  chunkedLoading: true,
  // Short chunks keep each task under 50 ms on a slow phone (the default is 200 ms).
  chunkInterval: 40,
  showCoverageOnHover: false,
  maxClusterRadius: 45,
  iconCreateFunction: (c) => {
    const n = c.getChildCount();
    const size = n < 10 ? 34 : n < 100 ? 40 : 46;
    return L.divIcon({ className: 'pc', html: `<span>${n}</span>`, iconSize: [size, size] });
  },
});
map.addLayer(cluster);


/** One icon per status group, shared by every marker of that group. */
const ICONS = Object.fromEntries(
  Object.values(STATUS_STYLES).map((s) => [s.group, L.divIcon({ className: `pm pm-${s.group}`, html: `<span>${s.letter}</span>`, iconSize: [26, 26] })]),
) as Record<MapProject['s'], L.DivIcon>;

function marker(p: MapProject): L.Marker {
  const m = L.marker([p.lat, p.lon], { icon: ICONS[p.s], title: `${p.n}（${p.sl}）`, alt: `${p.n}（${p.sl}）` });
  // Popup content is built when the popup first opens.
  m.bindPopup(
    () =>
      `<strong><a href="/projects/${p.c}/">${escapeHtml(p.n)}</a></strong><br>${p.y}年 · ${escapeHtml(p.tn)} · ${escapeHtml(p.sl)}<br>` +
      `<a href="/villages/${p.v}/">${escapeHtml(p.vn)}</a>${p.vc ? '<br>（村部位置）' : ''}`,
  );
  return m;
}

let all: MapProject[] = [];
const markers = new Map<string, L.Marker>();
/** Markers are made when first shown: the default view needs a few hundred, not every year's. */
const markerOf = (p: MapProject): L.Marker => {
  let m = markers.get(p.c);
  if (!m) {
    m = marker(p);
    markers.set(p.c, m);
  }
  return m;
};

function readForm(): MapFilters {
  const fd = new FormData(form);
  const f = Object.fromEntries(FILTER_KEYS.map((k) => [k, String(fd.get(k) ?? '')])) as unknown as MapFilters;
  return f;
}

function writeForm(f: MapFilters) {
  for (const k of FILTER_KEYS) {
    const el = form.elements.namedItem(k) as HTMLSelectElement | HTMLInputElement | null;
    if (el) el.value = f[k] === 'all' ? '' : f[k];
  }
}

/** The filters the server-rendered list was built for (the default view), until the first change. */
let listShows: string | null = listEl.dataset.filters ?? null;

const summaryEl = document.getElementById('map-filter-summary')!;
/** What the closed 筛选 button says: the chosen year, type, status and township, or 全部. */
function summarise() {
  const chosen = [...form.querySelectorAll('select')].filter((s) => s.value !== '').map((s) => s.selectedOptions[0]?.textContent ?? '');
  summaryEl.textContent = chosen.length > 0 ? chosen.join(' · ') : '全部';
}

function apply(f: MapFilters, fit: boolean) {
  summarise();
  const shown = all.filter((p) => matchesFilters(p, f));
  cluster.clearLayers();
  cluster.addLayers(shown.map(markerOf));
  if (fit && shown.length > 0) map.fitBounds(L.latLngBounds(shown.map((p) => [p.lat, p.lon])), { padding: [24, 24], maxZoom: 15 });
  const listed = listsProjects(f, severalCounties);
  countEl.textContent = listed ? `共 ${shown.length} 个项目` : `共 ${shown.length} 个项目。选一个县，下面列出它的项目。`;
  const village = f.village ? all.find((p) => p.v === f.village) : undefined;
  villageNote.hidden = !village;
  if (village) villageNote.querySelector('span')!.textContent = `只显示 ${village.vn} 的项目。`;
  const key = filtersToSearch(f, defaults);
  if (listShows === key) return;
  listShows = key;
  listEl.replaceChildren(
    ...(listed ? shown : []).map((p) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = `/projects/${p.c}/`;
      a.textContent = p.n;
      const v = document.createElement('a');
      v.href = `/villages/${p.v}/`;
      v.textContent = p.vn;
      li.append(a, ` ${p.y}年 · ${p.sl} · `, v);
      return li;
    }),
  );
}

/** With a county chosen, the township list offers that county's townships only. */
function syncTownships() {
  if (!countySelect || !townshipSelect) return;
  const county = countySelect.value;
  for (const option of townshipSelect.options) option.hidden = option.value !== '' && county !== '' && !option.value.startsWith(county);
  if (townshipSelect.selectedOptions[0]?.hidden) townshipSelect.value = '';
}

function update(fit: boolean) {
  syncTownships();
  const f = readForm();
  history.replaceState(null, '', `${location.pathname}${filtersToSearch(f, defaults)}`);
  void show(f, fit);
}

form.addEventListener('change', () => update(true));
form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  update(true);
});
document.getElementById('map-village-clear')!.addEventListener('click', () => {
  (form.elements.namedItem('village') as HTMLInputElement).value = '';
  update(true);
});

const years = (root.dataset.years ?? '').split(',').filter(Boolean);
const loadedYears = new Map<string, Promise<MapProject[]>>();
/** A macrotask break, so no single task blocks the page for long on a slow phone. */
const yieldToPage = () => new Promise<void>((done) => setTimeout(done, 0));

/** Fetches the years the filters need (one file per year), once each. */
async function ensureYears(f: MapFilters): Promise<void> {
  const wanted = f.year && f.year !== 'all' ? [f.year] : years;
  for (const y of wanted) {
    if (!loadedYears.has(y)) loadedYears.set(y, fetch(`/map/projects/${y}.json`).then((r) => r.json()).then((j: { projects: MapProject[] }) => j.projects));
  }
  const lists = await Promise.all([...loadedYears.values()]);
  await yieldToPage();
  all = lists.flat();
}

let latestShow = 0;
/**
 * Loads what the filters need, then shows them. Changes can come faster than year files load; only
 * the newest request is applied, so an older one finishing late never overwrites it. While one is
 * pending the map is marked busy (`aria-busy`).
 */
async function show(f: MapFilters, fit: boolean) {
  const mine = ++latestShow;
  root.setAttribute('aria-busy', 'true');
  try {
    await ensureYears(f);
    if (mine !== latestShow) return;
    apply(f, fit);
  } catch {
    if (mine === latestShow) countEl.textContent = '项目数据没有加载成功，请刷新重试。';
  }
  if (mine === latestShow) root.setAttribute('aria-busy', 'false');
}

const initial = parseFilters(location.search, defaults);
writeForm(initial);
syncTownships();
void yieldToPage().then(() => show(initial, true));
