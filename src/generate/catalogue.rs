//! What the shop sells and where: about 200 products in 12 categories with
//! prices, costs and co-purchase partners, and the physical stores with their
//! sales reps (a store belongs to one region, a rep to one store).

use super::locale;
use super::rng::{self, sub_rng, GenRng, Stream};

/// One product category and how its products behave.
#[derive(Debug)]
pub(crate) struct CategorySpec {
    pub name: &'static str,
    /// Median list price in euros.
    median_price: f64,
    /// Log-scale spread of list prices.
    price_spread: f64,
    /// Cost as a share of the list price.
    cost_ratio: f64,
    /// Share of sold lines that come back.
    pub return_rate: f64,
    /// Chance that a past purchase of this category is simply bought again.
    pub repeat_rate: f64,
    /// How much of the shop's traffic the category draws.
    pub popularity: f64,
    /// Indices of categories whose products complement this one.
    complements: [usize; 2],
}

#[allow(clippy::too_many_arguments)]
const fn spec(
    name: &'static str,
    median_price: f64,
    price_spread: f64,
    cost_ratio: f64,
    return_rate: f64,
    repeat_rate: f64,
    popularity: f64,
    complements: [usize; 2],
) -> CategorySpec {
    CategorySpec {
        name,
        median_price,
        price_spread,
        cost_ratio,
        return_rate,
        repeat_rate,
        popularity,
        complements,
    }
}

/// The 12 categories.
pub(crate) static CATEGORIES: [CategorySpec; 12] = [
    spec("electronics", 120.0, 0.8, 0.72, 0.05, 0.05, 1.0, [11, 1]),
    spec("home_kitchen", 35.0, 0.7, 0.55, 0.03, 0.10, 1.1, [9, 8]),
    spec("fashion", 39.0, 0.5, 0.45, 0.105, 0.10, 1.3, [3, 4]),
    spec("shoes", 79.0, 0.35, 0.50, 0.095, 0.05, 0.8, [2, 5]),
    spec("beauty", 19.0, 0.5, 0.40, 0.018, 0.45, 1.0, [2, 9]),
    spec("sports", 45.0, 0.7, 0.55, 0.04, 0.10, 0.8, [3, 9]),
    spec("toys", 25.0, 0.6, 0.50, 0.025, 0.10, 0.7, [7, 0]),
    spec("books", 16.0, 0.3, 0.60, 0.015, 0.15, 0.8, [6, 11]),
    spec("garden", 29.0, 0.8, 0.55, 0.025, 0.15, 0.6, [1, 10]),
    spec("grocery", 7.0, 0.5, 0.70, 0.008, 0.60, 1.2, [1, 10]),
    spec("pets", 15.0, 0.6, 0.60, 0.015, 0.50, 0.6, [9, 8]),
    spec("office", 11.0, 0.8, 0.50, 0.015, 0.35, 0.7, [0, 7]),
];

const PRODUCTS_PER_CATEGORY: usize = 17;

/// One product (`product_id` is `P` + index + 1, four digits).
#[derive(Debug, Clone)]
pub(crate) struct Product {
    pub category: usize,
    pub price_cents: i64,
    pub cost_cents: i64,
    /// Natural log of the price in euros (for price matching).
    pub ln_price: f64,
    /// Relative popularity within its category.
    pub popularity: f64,
    /// Products often bought together with this one.
    pub partners: Vec<u16>,
}

/// A physical store and its sales reps.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    pub name: &'static str,
    pub reps: Vec<String>,
}

/// Products, stores and reps of one generated company.
#[derive(Debug)]
pub(crate) struct Catalogue {
    pub products: Vec<Product>,
    /// Product indices per category.
    pub by_category: Vec<Vec<u16>>,
    pub stores: Vec<Store>,
    /// Store indices per locale index.
    pub stores_by_locale: Vec<Vec<u16>>,
}

impl Catalogue {
    /// The catalogue of `seed`.
    pub(crate) fn build(seed: u64) -> Catalogue {
        let mut rng = sub_rng(seed, Stream::Catalogue, 0);
        let rng = &mut rng;
        let mut products = Vec::with_capacity(CATEGORIES.len() * PRODUCTS_PER_CATEGORY);
        let mut by_category = Vec::with_capacity(CATEGORIES.len());
        for (category, spec) in CATEGORIES.iter().enumerate() {
            let mut ranks: Vec<usize> = (0..PRODUCTS_PER_CATEGORY).collect();
            shuffle(&mut ranks, rng);
            let mut members = Vec::with_capacity(PRODUCTS_PER_CATEGORY);
            for rank in ranks {
                let euros = rng::log_normal(rng, spec.median_price, spec.price_spread).clamp(1.0, 2_500.0);
                let price_cents = charm_price(euros, rng);
                let cost_share = (spec.cost_ratio * rng::uniform(rng, 0.85, 1.15)).min(0.95);
                members.push(products.len() as u16);
                products.push(Product {
                    category,
                    price_cents,
                    cost_cents: (price_cents as f64 * cost_share).round() as i64,
                    ln_price: (price_cents as f64 / 100.0).ln(),
                    popularity: 1.0 / (rank as f64 + 1.5).powf(0.9),
                    partners: Vec::new(),
                });
            }
            by_category.push(members);
        }
        link_partners(&mut products, &by_category, rng);
        let (stores, stores_by_locale) = build_stores(rng);
        Catalogue {
            products,
            by_category,
            stores,
            stores_by_locale,
        }
    }

    /// The category name of product `product`.
    pub(crate) fn category_name(&self, product: u16) -> &'static str {
        CATEGORIES[self.products[usize::from(product)].category].name
    }
}

/// A shop price: `x9.99`-style endings above ten euros, `.49`/`.95`/`.99` below.
fn charm_price(euros: f64, rng: &mut GenRng) -> i64 {
    if euros < 10.0 {
        let whole = euros.floor() as i64;
        let ending = *rng::pick(rng, &[49, 95, 99]);
        return (whole * 100 + ending).max(99);
    }
    let whole = euros.round() as i64;
    let whole = if whole >= 100 { (whole / 10) * 10 + 9 } else { whole };
    if rng::chance(rng, 0.2) {
        whole * 100
    } else {
        whole * 100 - 1
    }
}

/// Each product gets partners: mostly from its complementary categories, some
/// from its own, favouring popular ones; links are made in both directions.
fn link_partners(products: &mut [Product], by_category: &[Vec<u16>], rng: &mut GenRng) {
    for index in 0..products.len() {
        let spec = &CATEGORIES[products[index].category];
        let sources = [spec.complements[0], spec.complements[1], products[index].category];
        for (slot, &category) in sources.iter().enumerate() {
            let count = if slot == 2 { 1 } else { 2 };
            for _ in 0..count {
                let members = &by_category[category];
                let weights: Vec<f64> = members.iter().map(|&m| products[usize::from(m)].popularity).collect();
                let partner = members[rng::weighted(rng, &weights)];
                if usize::from(partner) == index {
                    continue;
                }
                for (from, to) in [(index, partner), (usize::from(partner), index as u16)] {
                    let list = &mut products[from].partners;
                    if !list.contains(&to) && list.len() < 8 {
                        list.push(to);
                    }
                }
            }
        }
    }
}

fn build_stores(rng: &mut GenRng) -> (Vec<Store>, Vec<Vec<u16>>) {
    let mut stores = Vec::new();
    let mut by_locale = Vec::new();
    let mut used_names: Vec<String> = Vec::new();
    for loc in locale::all() {
        let mut here = Vec::new();
        for &name in loc.stores {
            let mut reps = Vec::new();
            let count = rng::int_between(rng, 2, 4);
            while (reps.len() as i64) < count {
                let first = if rng::chance(rng, 0.5) { loc.female } else { loc.male };
                let rep = format!(
                    "{} {}",
                    locale::native(rng::pick_str(rng, first)),
                    locale::native(rng::pick_str(rng, loc.surnames))
                );
                if !used_names.contains(&rep) {
                    used_names.push(rep.clone());
                    reps.push(rep);
                }
            }
            here.push(stores.len() as u16);
            stores.push(Store { name, reps });
        }
        by_locale.push(here);
    }
    (stores, by_locale)
}

/// Fisher–Yates shuffle.
pub(crate) fn shuffle<T>(items: &mut [T], rng: &mut GenRng) {
    for i in (1..items.len()).rev() {
        let j = rng::index(rng, i + 1);
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_has_about_200_priced_products_in_12_categories() {
        let catalogue = Catalogue::build(42);
        assert_eq!(catalogue.products.len(), 204);
        assert_eq!(catalogue.by_category.len(), 12);
        for p in &catalogue.products {
            assert!(p.price_cents >= 99 && p.cost_cents > 0 && p.cost_cents < p.price_cents);
            assert!(!p.partners.is_empty());
        }
        let grocery = CATEGORIES.iter().position(|c| c.name == "grocery").unwrap();
        let electronics = CATEGORIES.iter().position(|c| c.name == "electronics").unwrap();
        let mean = |c: usize| {
            let ids = &catalogue.by_category[c];
            ids.iter()
                .map(|&i| catalogue.products[usize::from(i)].price_cents as f64)
                .sum::<f64>()
                / ids.len() as f64
        };
        assert!(mean(electronics) > 5.0 * mean(grocery));
    }

    #[test]
    fn partners_are_mostly_from_complementary_categories() {
        let catalogue = Catalogue::build(7);
        let (mut complementary, mut total) = (0, 0);
        for p in &catalogue.products {
            for &q in &p.partners {
                let other = catalogue.products[usize::from(q)].category;
                let spec = &CATEGORIES[p.category];
                let back = &CATEGORIES[other];
                total += 1;
                if spec.complements.contains(&other) || back.complements.contains(&p.category) {
                    complementary += 1;
                }
            }
        }
        assert!(complementary * 10 > total * 6, "{complementary} of {total}");
    }

    #[test]
    fn every_rep_belongs_to_one_store_and_stores_to_one_country() {
        let catalogue = Catalogue::build(3);
        let mut reps: Vec<&String> = catalogue.stores.iter().flat_map(|s| &s.reps).collect();
        let count = reps.len();
        reps.sort();
        reps.dedup();
        assert_eq!(reps.len(), count);
        let listed: usize = catalogue.stores_by_locale.iter().map(Vec::len).sum();
        assert_eq!(listed, catalogue.stores.len());
    }
}
