"use client";

import type { TimeOfUseTariff, TouPricing, TouSeason } from "@c4e/domain";
import {
  Group,
  PathErrors,
  PriceInput,
  RemoveButton,
  replaceAt,
  SlotList,
  type TariffFieldsProps,
  TextInput,
} from "@/components/admin/tariff-editor/fields.tsx";
import { withKind } from "@/components/admin/tariff-editor/kinds.ts";
import { t } from "@/messages/en.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type TouProps = TariffFieldsProps & { tariff: TimeOfUseTariff };

/** Replaces some of the time-of-use terms, keeping the rest. */
const touSetter =
  ({ tariff, set }: TouProps) =>
  (next: Partial<Mutable<TouPricing>>) =>
    set({ ...tariff, tou: { ...tariff.tou, ...next } });

/** Time of use: the price bands, and the seasons whose day types map hours to bands. */
export function TimeOfUseFields(props: TouProps) {
  return (
    <>
      <TouBandsFields {...props} />
      <TouSeasonsFields {...props} />
    </>
  );
}

/** The bands: a code the slots refer to, a name and a price per kWh. */
function TouBandsFields(props: TouProps) {
  const { tariff, errors } = props;
  const c = tariff.currency;
  const tou = tariff.tou;
  const setTou = touSetter(props);
  return (
    <Group legend={t("admin.products.tariff.bands")}>
      <PathErrors errors={errors.filter((e) => e.path === "tou.bands")} path="tou.bands" />
      {tou.bands.map((b, i) => (
        <div className="form-row" key={i}>
          <TextInput
            path={`tou.bands[${i}].code`}
            label={t("admin.products.tariff.band.code")}
            value={b.code}
            onChange={(v) => setTou({ bands: replaceAt(tou.bands, i, { ...b, code: v }) })}
            errors={errors}
            width="short"
          />
          <TextInput
            path={`tou.bands[${i}].name`}
            label={t("admin.products.tariff.band.name")}
            value={b.name}
            onChange={(v) => setTou({ bands: replaceAt(tou.bands, i, { ...b, name: v }) })}
            errors={errors}
          />
          <PriceInput
            path={`tou.bands[${i}].price`}
            label={t("admin.products.tariff.pricePerKwh", { currency: c })}
            value={b.price}
            onChange={(v) => setTou({ bands: replaceAt(tou.bands, i, { ...b, price: v }) })}
            errors={errors}
          />
          <RemoveButton
            label={`${t("admin.products.tariff.remove")} ${b.code}`}
            onClick={() => setTou({ bands: tou.bands.filter((_, j) => j !== i) })}
          />
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          setTou({
            bands: [...tou.bands, { code: `band${tou.bands.length + 1}`, name: "", price: "0.00" }],
          })
        }
      >
        {t("admin.products.tariff.band.add")}
      </button>
    </Group>
  );
}

/** The seasons: a name, the month-days they span and the slots of each day type. */
function TouSeasonsFields(props: TouProps) {
  const { tariff, errors } = props;
  const tou = tariff.tou;
  const setTou = touSetter(props);
  const setSeason = (i: number, s: TouSeason) => setTou({ seasons: replaceAt(tou.seasons, i, s) });
  return (
    <Group legend={t("admin.products.tariff.seasons")}>
      <PathErrors errors={errors.filter((e) => e.path === "tou.seasons")} path="tou.seasons" />
      {tou.seasons.map((s, i) => (
        <div className="tariff-season" key={i}>
          <div className="form-row">
            <TextInput
              path={`tou.seasons[${i}].name`}
              label={t("admin.products.tariff.season.name")}
              value={s.name}
              onChange={(v) => setSeason(i, { ...s, name: v })}
              errors={errors}
            />
            <TextInput
              path={`tou.seasons[${i}].from`}
              label={t("admin.products.tariff.season.from")}
              value={s.from}
              onChange={(v) => setSeason(i, { ...s, from: v })}
              errors={errors}
              width="short"
            />
            <TextInput
              path={`tou.seasons[${i}].to`}
              label={t("admin.products.tariff.season.to")}
              value={s.to}
              onChange={(v) => setSeason(i, { ...s, to: v })}
              errors={errors}
              width="short"
            />
            <RemoveButton
              label={`${t("admin.products.tariff.remove")} ${s.name}`}
              onClick={() => setTou({ seasons: tou.seasons.filter((_, j) => j !== i) })}
            />
          </div>
          {(["weekday", "weekend"] as const).map((d) => (
            <SlotList
              key={d}
              path={`tou.seasons[${i}].dayTypes.${d}`}
              legend={t(`admin.products.tariff.dayType.${d}`)}
              slots={s.dayTypes[d]}
              bands={tou.bands.map((b) => b.code)}
              onChange={(slots) => setSeason(i, { ...s, dayTypes: { ...s.dayTypes, [d]: slots } })}
              errors={errors}
            />
          ))}
        </div>
      ))}
      <button
        type="button"
        onClick={() => {
          const first = withKind(tariff, "tou").tou?.seasons[0];
          if (first)
            setTou({
              seasons: [...tou.seasons, { ...first, name: `season ${tou.seasons.length + 1}` }],
            });
        }}
      >
        {t("admin.products.tariff.season.add")}
      </button>
    </Group>
  );
}
