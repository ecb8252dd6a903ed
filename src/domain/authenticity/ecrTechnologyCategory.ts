/**
 * The FMAR asset category (AssetCategory code) of one technology of an Embedded Capacity Register row, read from its
 * published Energy Source, Energy Conversion Technology and CHP Cogeneration values.
 *
 * The ECR values are the ENA-defined lists (../shared/data/gb/ecr_enumerations.json, "ena_defined"), written with
 * the spelling drift real files have ("Biofuel - Landfill gas" / "Biofuel landfill gas", "wind onshore",
 * "Storage - Electrochemical  (Batteries)" with two spaces), so values are compared by their words, not verbatim.
 * FMAR's categories are coarser than the ENA lists (Elexon's code catalogue has no engine, turbine or hydro
 * category), so what is neither storage, solar, wind nor CHP is OTHER.
 */
export function assetCategoryOfEcrTechnology(energySource: string | undefined, conversionTechnology: string | undefined, cogeneration?: string): string | undefined {
  const source = words(energySource);
  const technology = words(conversionTechnology);
  const unknown = (w: string) => w === '' || w === 'data not available' || w === 'not applicable';
  if (unknown(source) && unknown(technology)) return undefined;
  // CHP Cogeneration (Yes/No): the technology runs as combined heat and power, whatever engine or turbine it uses.
  if (words(cogeneration) === 'yes') return 'CHP';
  if (technology.startsWith('storage') || source.startsWith('stored energy')) {
    // ENA storage technologies: electrochemical (batteries), chemical, electrical, other are battery-like systems;
    // mechanical (pumped hydro, compressed or liquid air, flywheel) and thermal storage are not batteries.
    return /\b(mechanical|thermal)\b/.test(technology) ? 'OTHER' : 'BESS';
  }
  if (technology.includes('photovoltaic') || (source === 'solar' && (unknown(technology) || technology === 'other'))) return 'SOLAR_PV';
  if (technology.includes('wind turbine') || (source.startsWith('wind') && (unknown(technology) || technology === 'other'))) return 'WIND_TURBINE';
  return 'OTHER';
}

/** Lower-case words separated by single spaces: "Storage - Electrochemical  (Batteries)" -> "storage electrochemical batteries". */
function words(text: string | undefined): string {
  return (text ?? '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
