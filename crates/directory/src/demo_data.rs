//! Demo data for the directory: a deterministic, realistic French biomedical
//! research institute (13 regional delegations, ~300 units, any number of
//! people) rendered as the `units` and `people` CSV texts the importer reads,
//! plus the employee numbers behind the fixed demo accounts and the role
//! holders of every delegation. Pure computation: no I/O, no database.

use std::collections::{HashMap, HashSet};

use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Smallest `people` count [`generate`] accepts: the delegations' service
/// staff holding roles plus the fixed demo accounts and their surroundings.
pub const MIN_PEOPLE: usize = 59;

const EMAIL_DOMAIN: &str = "demo.relais.test";

/// The whole demo directory, as CSV texts ready for the importer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoDirectory {
    pub delegations: Vec<DemoDelegation>,
    /// `code;name;delegation;partners` (partners separated by `|`).
    pub units_csv: String,
    /// `employee_number;email;first_name;last_name;unit_code;team;manager_employee_number;job_category;phd_supervisor;language`.
    pub people_csv: String,
    pub accounts: DemoAccounts,
}

/// A regional delegation and its sites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoDelegation {
    pub code: String,
    pub name: String,
    /// (site name, city)
    pub sites: Vec<(String, String)>,
}

/// Employee numbers of the people behind the fixed demo accounts and role holders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccounts {
    pub admin: String,
    pub formation: String,
    pub informatique: String,
    pub correspondant: String,
    pub manager: String,
    pub agent: String,
    pub crise: String,
    /// Unit code of the correspondant's unit (a unit of the informatique person's delegation).
    pub correspondant_unit: String,
    /// Delegation code of the informatique person.
    pub informatique_delegation: String,
    /// Per delegation, in delegation order: (delegation code, training officer,
    /// IT staff, crisis cell) employee numbers, three distinct people of the
    /// delegation's service unit.
    pub role_holders: Vec<(String, String, String, String)>,
}

struct SiteDef {
    name: &'static str,
    city: &'static str,
    /// Plausible partner institutions, the main one first.
    partners: &'static [&'static str],
}

struct DelegationDef {
    code: &'static str,
    name: &'static str,
    /// Number of research units.
    units: usize,
    sites: &'static [SiteDef],
}

const fn site(
    name: &'static str,
    city: &'static str,
    partners: &'static [&'static str],
) -> SiteDef {
    SiteDef {
        name,
        city,
        partners,
    }
}

/// Index of the headquarters delegation (admin, formation).
const HQ: usize = 0;
/// Index of the delegation of informatique, crise, correspondant, manager, agent.
const PACA: usize = 10;

#[rustfmt::skip]
const DELEGATIONS: [DelegationDef; 13] = [
    DelegationDef { code: "DR-PARIS5", name: "Délégation régionale Paris 5", units: 32, sites: &[
        site("Site Cochin", "Paris", &["Université Paris Cité", "AP-HP", "CNRS"]),
        site("Site Necker-Enfants malades", "Paris", &["Université Paris Cité", "AP-HP", "Institut Imagine"]),
        site("Campus Pasteur", "Paris", &["Institut Pasteur", "Université Paris Cité", "CNRS"])] },
    DelegationDef { code: "DR-PARIS6", name: "Délégation régionale Paris 6", units: 30, sites: &[
        site("Site Pitié-Salpêtrière", "Paris", &["Sorbonne Université", "AP-HP", "CNRS", "Institut du Cerveau"]),
        site("Site Saint-Antoine", "Paris", &["Sorbonne Université", "AP-HP"]),
        site("Site Curie", "Paris", &["Institut Curie", "Université PSL", "CNRS"])] },
    DelegationDef { code: "DR-PARIS7", name: "Délégation régionale Paris 7", units: 26, sites: &[
        site("Site Bichat", "Paris", &["Université Paris Cité", "AP-HP"]),
        site("Site Saint-Louis", "Paris", &["Université Paris Cité", "AP-HP", "CNRS"]),
        site("Site Robert-Debré", "Paris", &["Université Paris Cité", "AP-HP"])] },
    DelegationDef { code: "DR-PARIS11", name: "Délégation régionale Paris 11", units: 22, sites: &[
        site("Site du Kremlin-Bicêtre", "Le Kremlin-Bicêtre", &["Université Paris-Saclay", "AP-HP"]),
        site("Site de Villejuif", "Villejuif", &["Université Paris-Saclay", "Gustave Roussy", "CNRS"]),
        site("Campus d'Orsay", "Orsay", &["Université Paris-Saclay", "CEA", "CNRS"])] },
    DelegationDef { code: "DR-PARIS12", name: "Délégation régionale Paris 12", units: 22, sites: &[
        site("Site Henri-Mondor", "Créteil", &["Université Paris-Est Créteil", "AP-HP", "École nationale vétérinaire d'Alfort"]),
        site("Site de Bobigny", "Bobigny", &["Université Sorbonne Paris Nord", "AP-HP"]),
        site("Site de Saint-Quentin-en-Yvelines", "Montigny-le-Bretonneux", &["Université de Versailles Saint-Quentin-en-Yvelines", "Université Paris-Saclay"])] },
    DelegationDef { code: "DR-NORD-OUEST", name: "Délégation régionale Nord-Ouest", units: 16, sites: &[
        site("Campus Santé de Lille", "Lille", &["Université de Lille", "CHU de Lille", "Institut Pasteur de Lille", "CNRS"]),
        site("Site de Rouen", "Rouen", &["Université de Rouen Normandie", "CHU de Rouen"]),
        site("Site de Caen", "Caen", &["Université de Caen Normandie", "CHU de Caen"])] },
    DelegationDef { code: "DR-GRAND-OUEST", name: "Délégation régionale Grand Ouest", units: 20, sites: &[
        site("Campus Santé de Nantes", "Nantes", &["Nantes Université", "CHU de Nantes", "CNRS"]),
        site("Site de Villejean", "Rennes", &["Université de Rennes", "CHU de Rennes", "EHESP"]),
        site("Site d'Angers", "Angers", &["Université d'Angers", "CHU d'Angers"])] },
    DelegationDef { code: "DR-NOUVELLE-AQUITAINE", name: "Délégation régionale Nouvelle-Aquitaine", units: 18, sites: &[
        site("Campus Carreire", "Bordeaux", &["Université de Bordeaux", "CHU de Bordeaux", "CNRS", "Institut Bergonié"]),
        site("Site de Poitiers", "Poitiers", &["Université de Poitiers", "CHU de Poitiers"]),
        site("Site de Limoges", "Limoges", &["Université de Limoges", "CHU de Limoges"])] },
    DelegationDef { code: "DR-OCCITANIE-MED", name: "Délégation régionale Occitanie Méditerranée", units: 18, sites: &[
        site("Site Saint-Éloi", "Montpellier", &["Université de Montpellier", "CHU de Montpellier", "CNRS", "Institut régional du cancer de Montpellier"]),
        site("Site de Nîmes", "Nîmes", &["Université de Montpellier", "CHU de Nîmes"])] },
    DelegationDef { code: "DR-OCCITANIE-PYR", name: "Délégation régionale Occitanie Pyrénées", units: 18, sites: &[
        site("Site Rangueil", "Toulouse", &["Université de Toulouse", "CHU de Toulouse", "CNRS"]),
        site("Oncopole", "Toulouse", &["Université de Toulouse", "Institut universitaire du cancer de Toulouse", "CNRS"]),
        site("Site Purpan", "Toulouse", &["Université de Toulouse", "CHU de Toulouse", "INRAE", "École nationale vétérinaire de Toulouse"])] },
    DelegationDef { code: "DR-PACA", name: "Délégation régionale Provence-Alpes-Côte d'Azur et Corse", units: 24, sites: &[
        site("Site de la Timone", "Marseille", &["Aix-Marseille Université", "AP-HM", "CNRS"]),
        site("Parc scientifique de Luminy", "Marseille", &["Aix-Marseille Université", "CNRS", "Institut Paoli-Calmettes"]),
        site("Site Pasteur", "Nice", &["Université Côte d'Azur", "CHU de Nice", "CNRS"])] },
    DelegationDef { code: "DR-AURA", name: "Délégation régionale Auvergne-Rhône-Alpes", units: 24, sites: &[
        site("Site Lyon-Est", "Lyon", &["Université Claude Bernard Lyon 1", "Hospices civils de Lyon", "CNRS", "Centre Léon Bérard", "ENS de Lyon"]),
        site("Site santé de La Tronche", "Grenoble", &["Université Grenoble Alpes", "CHU Grenoble Alpes", "CEA"]),
        site("Site de Clermont-Ferrand", "Clermont-Ferrand", &["Université Clermont Auvergne", "CHU de Clermont-Ferrand", "INRAE"])] },
    DelegationDef { code: "DR-EST", name: "Délégation régionale Est", units: 17, sites: &[
        site("Site de l'Hôpital civil", "Strasbourg", &["Université de Strasbourg", "Hôpitaux universitaires de Strasbourg", "CNRS"]),
        site("Site de Brabois", "Nancy", &["Université de Lorraine", "CHRU de Nancy"]),
        site("Site de Dijon", "Dijon", &["Université de Bourgogne", "CHU Dijon Bourgogne", "Établissement français du sang"])] },
];

#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise", "Christine", "Anne", "Valérie", "Sandrine", "Stéphanie", "Céline", "Julie", "Aurélie", "Émilie", "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Jade", "Louise", "Alice", "Lina", "Zoé", "Anaïs", "Maëlle", "Clémence", "Mathilde", "Pauline", "Charlotte", "Laura", "Sarah", "Marion", "Claire", "Hélène", "Élise", "Agathe", "Juliette", "Margaux", "Océane", "Noémie", "Justine", "Lucie", "Élodie", "Delphine", "Virginie", "Caroline", "Laurence", "Véronique", "Brigitte", "Martine", "Dominique", "Béatrice", "Sophie", "Audrey", "Amandine", "Morgane", "Gaëlle", "Solène", "Laëtitia", "Cécile", "Florence", "Patricia", "Corinne", "Karine", "Myriam", "Nadia", "Fatima", "Yasmine", "Leïla", "Amina", "Salomé", "Romane", "Ambre", "Rose", "Anna", "Eva", "Nina", "Capucine", "Bérénice", "Ophélie", "Héloïse", "Apolline", "Éléonore", "Jeanne", "Margot", "Estelle", "Mélanie", "Coralie", "Sabrina", "Aïcha", "Linh", "Mei", "Marie-Claire", "Anne-Sophie", "Marie-Laure", "Sonia", "Gwenaëlle",
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Jean-Pierre", "Jean-François", "François", "Jérôme", "Loïc", "Nicolas", "Julien", "Thomas", "Sébastien", "Guillaume", "Maxime", "Antoine", "Alexandre", "Vincent", "Olivier", "Christophe", "Frédéric", "Laurent", "Stéphane", "David", "Éric", "Patrick", "Thierry", "Didier", "Pascal", "Bruno", "Gilles", "Denis", "Hervé", "Yves", "Daniel", "Marc", "Benoît", "Cédric", "Fabien", "Mathieu", "Romain", "Damien", "Florian", "Kévin", "Anthony", "Jonathan", "Adrien", "Hugo", "Lucas", "Louis", "Gabriel", "Léo", "Raphaël", "Arthur", "Jules", "Nathan", "Théo", "Noé", "Paul", "Victor", "Baptiste", "Clément", "Quentin", "Valentin", "Benjamin", "Samuel", "Simon", "Mehdi", "Karim", "Youssef", "Rachid", "Mohamed", "Amine", "Yanis", "Matthieu", "Jean-Luc", "Jean-Marc", "Gérard", "René", "Joël", "Gaël", "Yann", "Erwan", "Ronan", "Grégoire", "Aurélien", "Rémi", "Timothée", "Bastien", "Jérémy", "Cyril", "Xavier", "Emmanuel", "Arnaud", "Franck", "Lionel", "Serge", "Étienne", "Félix", "Sacha", "Mathis", "Axel", "Ludovic", "Sylvain", "Mickaël", "Minh", "Wei",
];

/// Most frequent first: weights decrease with rank.
#[rustfmt::skip]
const LAST_NAMES: &[&str] = &[
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson",
    "Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud", "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet", "Rolland", "Leclercq", "Guillaume", "Lecomte",
    "Lopez", "Jean", "Dupuy", "Guillot", "Hubert", "Berger", "Carpentier", "Sanchez", "Dupuis", "Moulin", "Louis", "Deschamps", "Huet", "Vasseur", "Perez", "Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Adam", "Paris", "Poirier", "Marty", "Aubry", "Guyot", "Carré", "Charles", "Renault", "Charpentier", "Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Hervé", "Schneider", "Fernandez", "Le Gall", "Collet", "Léger", "Bouvier", "Julien", "Prévost", "Millet", "Perrot", "Daniel", "Le Roux", "Cousin", "Germain",
    "Breton", "Besson", "Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré", "Lebrun", "Marchal", "Weber", "Mallet", "Hamon", "Boulanger", "Jacob", "Monnier", "Michaud", "Rodriguez", "Guichard", "Gillet", "Étienne", "Grondin", "Poulain", "Tessier", "Chevallier", "Collin", "Chauvin", "Da Silva", "Bouchet", "Gay", "Lemaître", "Bénard", "Maréchal", "Humbert", "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy", "Cordier", "Pichon", "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier", "Laporte",
    "Nguyen", "Tran", "Pham", "Le", "N'Diaye", "Diallo", "Traoré", "Diop", "Camara", "Ba", "Benali", "Haddad", "Mansour", "Bouzid", "Cherif", "Saïdi", "Belkacem", "Dos Santos", "Ferreira", "Pereira", "Rodrigues", "Oliveira", "Costa", "Gomes", "Fernandes", "Lopes", "Martins", "Rossi", "Russo", "Ferrari", "Bianchi", "Romano", "Esposito", "Schmidt", "Wagner", "Becker", "Hoffmann", "Fischer", "Müller", "Kowalski", "Nowak", "Cohen", "Lévy", "Le Bihan", "Le Floch", "Le Corre", "Quéré", "Le Meur", "Guillou", "Tanguy",
    "Morvan", "Riou", "Le Bras", "Coulibaly", "Konaté", "Sow", "Fall", "Mendy", "Kouassi", "Chen", "Wang", "Zhang", "Kaci", "El Amrani", "Benmoussa", "Bouchard", "Lagarde", "Delmas", "Castaing", "Lacoste", "Etcheverry", "Larrieu", "Tournier", "Cazenave", "Bourdon", "Vergne", "Lafon", "Saint-Martin", "D'Amico", "Dubreuil", "Courtois", "Hamel", "Jourdan", "Rigaud", "Thibault", "Valentin", "Barre", "Leduc", "Laine", "Verdier", "Chauvet", "Poulet", "Texier", "Desjardins", "Delorme", "Ollivier", "Besnard", "Gros", "Bigot", "Lemonnier",
];

#[rustfmt::skip]
const THEMES: &[&str] = &[
    "cancérologie", "immunologie", "neurosciences", "cardiologie", "génétique humaine", "épidémiologie", "santé publique", "infectiologie", "imagerie biomédicale", "biologie cellulaire", "biologie du développement", "physiopathologie", "pharmacologie", "nutrition humaine", "hématologie", "néphrologie", "dermatologie", "ophtalmologie", "rhumatologie", "endocrinologie", "médecine régénératrice", "bio-informatique", "toxicologie", "santé environnementale", "virologie", "microbiologie", "psychiatrie", "pneumologie", "hépatologie", "génomique fonctionnelle", "thérapie cellulaire", "biologie structurale", "médecine translationnelle", "reproduction humaine",
];

#[rustfmt::skip]
const DISEASES: &[&str] = &[
    "maladies cardiovasculaires", "maladies infectieuses", "maladies rares", "maladies neurodégénératives", "maladies inflammatoires chroniques", "cancers de l'enfant", "maladies métaboliques", "troubles du neurodéveloppement", "maladies respiratoires", "maladies du foie", "maladies auto-immunes", "maladies rénales", "maladies osseuses", "hémopathies malignes", "infections virales émergentes",
];

#[rustfmt::skip]
const TEAM_THEMES: &[&str] = &[
    "Immunité innée", "Neuro-inflammation", "Génomique fonctionnelle", "Signalisation cellulaire", "Épigénétique et cancer", "Plasticité synaptique", "Microbiote et santé", "Épidémiologie clinique", "Imagerie quantitative", "Vieillissement et métabolisme", "Biologie des cellules souches", "Réponse immunitaire adaptative", "Virus émergents", "Résistance aux antibiotiques", "Pharmacologie translationnelle", "Biostatistique et modélisation", "Cardiopathies génétiques", "Tumeurs cérébrales", "Homéostasie du fer", "Régénération tissulaire", "Nutrition et obésité", "Troubles de l'humeur", "Dynamique du cytosquelette", "Santé des populations", "Inflammation et fibrose", "Angiogenèse", "Lymphocytes T et tolérance", "Circuits neuronaux", "Métabolisme du glucose", "Thérapie génique",
];

const TRAINING_TEAM: &str = "Pôle formation";
const IT_TEAM: &str = "Service des systèmes d'information";
#[rustfmt::skip]
const EXTRA_SERVICES: [&str; 4] = ["Service des ressources humaines", "Service financier", "Service partenariat et valorisation", "Service patrimoine et logistique"];

/// Job mixes (weights in percent) of research units, IT services and other services.
#[rustfmt::skip]
const RESEARCH_JOBS: [(&str, u32); 6] = [("Chercheur", 30), ("Ingénieur", 18), ("Technicien", 19), ("Administratif", 10), ("Doctorant", 13), ("Post-doctorant", 10)];
const IT_JOBS: [(&str, u32); 2] = [("Ingénieur", 60), ("Technicien", 40)];
#[rustfmt::skip]
const SERVICE_JOBS: [(&str, u32); 3] = [("Administratif", 85), ("Ingénieur", 10), ("Technicien", 5)];

#[rustfmt::skip]
const FOLDS: [(&str, &str); 10] = [("àáâäãå", "a"), ("ç", "c"), ("èéêë", "e"), ("ìíîï", "i"), ("ñ", "n"), ("òóôöõ", "o"), ("ùúûü", "u"), ("ýÿ", "y"), ("œ", "oe"), ("æ", "ae")];

const UNITS_HEADER: &str = "code;name;delegation;partners";
const PEOPLE_HEADER: &str = "employee_number;email;first_name;last_name;unit_code;team;\
    manager_employee_number;job_category;phd_supervisor;language";

struct Unit {
    code: String,
    name: String,
    delegation: usize,
    partners: Vec<&'static str>,
    service: bool,
}

struct Person {
    number: u32,
    email: String,
    first: &'static str,
    last: &'static str,
    unit: usize,
    team: String,
    manager: Option<usize>,
    job: &'static str,
    supervisor: Option<usize>,
    language: &'static str,
}

struct Gen {
    rng: ChaCha8Rng,
    last_names: WeightedIndex<u32>,
    numbers: HashSet<u32>,
    emails: HashMap<String, u32>,
    people: Vec<Person>,
}

impl Gen {
    /// Creates a person; `local` forces the email's local part (fixed demo accounts).
    fn person(
        &mut self,
        unit: usize,
        team: &str,
        manager: Option<usize>,
        job: &'static str,
        local: Option<&str>,
    ) -> usize {
        let first = *FIRST_NAMES.choose(&mut self.rng).expect("first names");
        let last = LAST_NAMES[self.last_names.sample(&mut self.rng)];
        let number = loop {
            let n = self.rng.random_range(1..1_000_000u32);
            if self.numbers.insert(n) {
                break n;
            }
        };
        let email = match local {
            Some(local) => format!("{local}@{EMAIL_DOMAIN}"),
            None => {
                // Local parts never contain digits, so a numbered one is never someone's base.
                let base = format!("{}.{}", ascii_fold(first), ascii_fold(last));
                let count = self.emails.entry(base.clone()).or_insert(0);
                *count += 1;
                match *count {
                    1 => format!("{base}@{EMAIL_DOMAIN}"),
                    n => format!("{base}{n}@{EMAIL_DOMAIN}"),
                }
            }
        };
        let english = match job {
            "Post-doctorant" => 0.2,
            "Doctorant" => 0.08,
            _ => 0.03,
        };
        let language = match (self.rng.random_bool(english), self.rng.random_bool(0.01)) {
            (true, _) => "en",
            (false, true) => "fr",
            _ => "",
        };
        let team = team.to_string();
        #[rustfmt::skip]
        self.people.push(Person { number, email, first, last, unit, team, manager, job, supervisor: None, language });
        self.people.len() - 1
    }

    fn job(&mut self, mix: &[(&'static str, u32)]) -> &'static str {
        mix.choose_weighted(&mut self.rng, |j| j.1)
            .expect("positive weights")
            .0
    }

    fn team_name(&mut self, leader: usize, taken: &[String]) -> String {
        if self.rng.random_bool(0.5) {
            let name = format!("Équipe {}", self.people[leader].last);
            if !taken.contains(&name) {
                return name;
            }
        }
        loop {
            let name = format!(
                "Équipe {}",
                TEAM_THEMES.choose(&mut self.rng).expect("themes")
            );
            if !taken.contains(&name) {
                return name;
            }
        }
    }
}

/// Lowercase ASCII for email local parts: accents stripped, spaces and
/// apostrophes turned into `-`.
fn ascii_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some((_, plain)) = FOLDS.iter().find(|(accented, _)| accented.contains(c)) {
            out.push_str(plain);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// French "de" with elision: "de Lyon", "d'Angers", "du Kremlin-Bicêtre".
fn de(word: &str) -> String {
    if let Some(rest) = word.strip_prefix("Le ") {
        return format!("du {rest}");
    }
    match word.chars().next().and_then(|c| c.to_lowercase().next()) {
        Some('a' | 'e' | 'é' | 'è' | 'ê' | 'i' | 'o' | 'u' | 'h') => format!("d'{word}"),
        _ => format!("de {word}"),
    }
}

fn unit_name(rng: &mut ChaCha8Rng, city: &str, taken: &mut HashSet<String>) -> String {
    for attempt in 0.. {
        let t = *THEMES.choose(rng).expect("themes");
        let t2 = *THEMES.choose(rng).expect("themes");
        let disease = *DISEASES.choose(rng).expect("diseases");
        let mut name = match rng.random_range(0..8) {
            0 | 1 => format!("Centre de recherche en {t} {}", de(city)),
            2 => format!("Institut {} {}", de(t), de(city)),
            3 if t != t2 => format!("Laboratoire {} et {}", de(t), de(t2)),
            4 => format!("Physiopathologie et thérapeutique des {disease}"),
            5 => format!("Centre de recherche sur les {disease} {}", de(city)),
            6 => format!("Institut des {disease} {}", de(city)),
            _ if t != t2 => format!("Centre {} et de recherche en {t2}", de(t)),
            _ => continue,
        };
        if attempt >= 30 {
            name = format!("{name} {}", attempt - 28);
        }
        if taken.insert(name.clone()) {
            return name;
        }
    }
    unreachable!("the attempt counter is unbounded")
}

/// Builds the ~300 units; returns them and the index of the correspondant's unit
/// (the first research unit of DR-PACA, at its main site).
fn build_units(rng: &mut ChaCha8Rng) -> (Vec<Unit>, usize) {
    let mut numbers: Vec<u32> = (1000..1400).collect();
    numbers.shuffle(rng);
    let mut numbers = numbers.into_iter();
    let (mut names, mut units, mut corr) = (HashSet::new(), Vec::new(), 0);
    for (d, def) in DELEGATIONS.iter().enumerate() {
        let code = format!("{}-SG", def.code);
        let name = format!("Services de la d{}", def.name.trim_start_matches('D'));
        #[rustfmt::skip]
        units.push(Unit { code, name, delegation: d, partners: Vec::new(), service: true });
        let mut joint = vec![false; def.units];
        joint[..def.units.div_ceil(3)].fill(true);
        joint.shuffle(rng);
        for (i, joint) in joint.into_iter().enumerate() {
            let main = d == PACA && i == 0;
            let r = rng.random_range(0..def.sites.len() + 2);
            let site = &def.sites[if main { 0 } else { r.saturating_sub(2) }];
            let number = numbers.next().expect("enough unit numbers");
            let (code, mut partners) = (format!("U{number}"), Vec::new());
            let code = if joint {
                partners.push(site.partners[0]);
                for p in &site.partners[1..] {
                    if partners.len() < 3 && rng.random_bool(0.35) {
                        partners.push(p);
                    }
                }
                let prefix = ["UMR-", "UMR-S"][usize::from(rng.random_bool(0.6))];
                format!("{prefix}{number}")
            } else {
                code
            };
            if main {
                corr = units.len();
            }
            let name = unit_name(rng, site.city, &mut names);
            #[rustfmt::skip]
            units.push(Unit { code, name, delegation: d, partners, service: false });
        }
    }
    (units, corr)
}

/// Largest-remainder split of `total` along `weights`.
fn distribute(total: usize, weights: &[usize]) -> Vec<usize> {
    let sum: usize = weights.iter().sum();
    let mut shares: Vec<usize> = weights.iter().map(|w| total * w / sum).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(total * weights[i] % sum), i));
    let missing = total - shares.iter().sum::<usize>();
    for &i in order.iter().take(missing) {
        shares[i] += 1;
    }
    shares
}

/// People per unit: the fixed core plus a weighted share of the rest
/// (4.5 % to the delegations' services, the rest to research units).
fn unit_sizes(rng: &mut ChaCha8Rng, units: &[Unit], corr: usize, people: usize) -> Vec<usize> {
    let mut sizes: Vec<usize> = (0..units.len())
        .map(|u| match (units[u].service, units[u].delegation) {
            (true, HQ) => 5,
            (true, _) => 4,
            (false, _) if u == corr => 6,
            _ => 0,
        })
        .collect();
    let rest = people - sizes.iter().sum::<usize>();
    let service_total = rest * 45 / 1000;
    let (service, research): (Vec<usize>, Vec<usize>) =
        (0..units.len()).partition(|&u| units[u].service);
    let mut weights = Vec::with_capacity(research.len());
    for &u in &research {
        let big = if rng.random_bool(0.3) {
            rng.random_range(30..=140)
        } else {
            0
        };
        let w = rng.random_range(12..=60) + big;
        weights.push(if u == corr { w.max(60) } else { w });
    }
    let service_shares = distribute(service_total, &vec![1; service.len()]);
    let research_shares = distribute(rest - service_total, &weights);
    for (&u, s) in service
        .iter()
        .zip(service_shares)
        .chain(research.iter().zip(research_shares))
    {
        sizes[u] += s;
    }
    sizes
}

/// The role-bearing people of a delegation's service unit.
struct ServiceCore {
    training: usize,
    it: usize,
    crisis: usize,
    admin: Option<usize>,
}

/// A delegation's service unit: the director (no team), the training pole,
/// the IT service, a crisis-cell officer in the direction (no team), more
/// services as headcount allows.
fn gen_service(g: &mut Gen, u: usize, n: usize, d: usize) -> ServiceCore {
    let (hq, paca) = (d == HQ, d == PACA);
    let director = g.person(u, "", None, "Administratif", None);
    let core = [
        (TRAINING_TEAM, "Administratif", hq.then_some("formation")),
        (IT_TEAM, "Ingénieur", paca.then_some("informatique")),
        ("", "Administratif", paca.then_some("crise")),
    ];
    let [training, it, crisis] =
        core.map(|(team, job, local)| g.person(u, team, Some(director), job, local));
    let admin = hq.then(|| g.person(u, IT_TEAM, Some(it), "Ingénieur", Some("admin")));
    let rest = n - 4 - usize::from(hq);
    let extra = (rest / 8).min(EXTRA_SERVICES.len());
    let mut teams = vec![
        ("", director, 2u32),
        (TRAINING_TEAM, training, 2),
        (IT_TEAM, it, 2),
    ];
    for name in &EXTRA_SERVICES[..extra] {
        let head = g.person(u, name, Some(director), "Administratif", None);
        teams.push((name, head, 4));
    }
    let pick = WeightedIndex::new(teams.iter().map(|t| t.2)).expect("team weights are positive");
    for _ in extra..rest {
        let (team, head, _) = teams[pick.sample(&mut g.rng)];
        let job = g.job(if team == IT_TEAM {
            &IT_JOBS
        } else {
            &SERVICE_JOBS
        });
        g.person(u, team, Some(head), job, None);
    }
    ServiceCore {
        training,
        it,
        crisis,
        admin,
    }
}

/// A research unit of `n` people in 1–6 teams: the director leads the first
/// team, the other leaders report to the director, members to their leader.
/// When `fixed`, it holds the manager (leader of the second team) with two of
/// their doctorants and the agent, and the correspondant in the first team;
/// returns (correspondant, manager, agent) then.
fn gen_research(g: &mut Gen, u: usize, n: usize, fixed: bool) -> Option<(usize, usize, usize)> {
    if n == 0 {
        return None;
    }
    let mut teams = ((n + g.rng.random_range(0..15)) / 15).clamp(1, 6).min(n);
    if fixed {
        teams = teams.max(2);
    }
    let (mut leaders, mut names) = (Vec::with_capacity(teams), Vec::with_capacity(teams));
    for k in 0..teams {
        let local = (fixed && k == 1).then_some("manager");
        let leader = g.person(u, "", leaders.first().copied(), "Chercheur", local);
        let name = g.team_name(leader, &names);
        g.people[leader].team.clone_from(&name);
        names.push(name);
        leaders.push(leader);
    }
    let mut chercheurs: Vec<Vec<usize>> = leaders.iter().map(|&l| vec![l]).collect();
    let mut out = None;
    if fixed {
        let manager = leaders[1];
        for _ in 0..2 {
            let phd = g.person(u, &names[1], Some(manager), "Doctorant", None);
            g.people[phd].supervisor = Some(manager);
        }
        let agent = g.person(u, &names[1], Some(manager), "Technicien", Some("agent"));
        let corr = g.person(
            u,
            &names[0],
            Some(leaders[0]),
            "Ingénieur",
            Some("correspondant"),
        );
        out = Some((corr, manager, agent));
    }
    let made = if fixed { teams + 4 } else { teams };
    for _ in made..n {
        let k = g.rng.random_range(0..teams);
        let job = g.job(&RESEARCH_JOBS);
        let p = g.person(u, &names[k], Some(leaders[k]), job, None);
        if job == "Chercheur" {
            chercheurs[k].push(p);
        } else if job == "Doctorant" {
            let others = chercheurs[k].choose(&mut g.rng).copied();
            let supervisor = if g.rng.random_bool(0.7) {
                Some(leaders[k])
            } else {
                others
            };
            g.people[p].supervisor = supervisor;
        }
    }
    out
}

fn csv_text(header: &str, rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    w.write_record(header.split(';'))
        .expect("writing to memory cannot fail");
    for row in rows {
        w.write_record(&row).expect("writing to memory cannot fail");
    }
    String::from_utf8(w.into_inner().expect("flushing to memory cannot fail")).expect("UTF-8")
}

fn employee(n: u32) -> String {
    format!("E{n:06}")
}

/// Generates the demo directory: same `seed` and `people` give byte-identical
/// output; exactly `people` rows. People rows are sorted by employee number, so
/// a manager or supervisor often comes after the rows that reference them.
///
/// # Panics
/// When `people < MIN_PEOPLE`.
pub fn generate(seed: u64, people: usize) -> DemoDirectory {
    assert!(
        people >= MIN_PEOPLE,
        "the demo directory needs at least {MIN_PEOPLE} people"
    );
    let weights = (0..LAST_NAMES.len()).map(|i| 100_000 / (i as u32 + 40));
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(seed),
        last_names: WeightedIndex::new(weights).expect("positive weights"),
        numbers: HashSet::with_capacity(people),
        emails: HashMap::with_capacity(people),
        people: Vec::with_capacity(people),
    };
    let (units, corr_unit) = build_units(&mut g.rng);
    let sizes = unit_sizes(&mut g.rng, &units, corr_unit, people);
    let (mut cores, mut fixed) = (Vec::with_capacity(DELEGATIONS.len()), None);
    for (u, unit) in units.iter().enumerate() {
        if unit.service {
            cores.push(gen_service(&mut g, u, sizes[u], unit.delegation));
        } else if let Some(found) = gen_research(&mut g, u, sizes[u], u == corr_unit) {
            fixed = Some(found);
        }
    }
    let (correspondant, manager, agent) = fixed.expect("the correspondant unit has people");
    debug_assert_eq!(g.people.len(), people);

    let num = |i: usize| employee(g.people[i].number);
    let holders = |(d, c): (&DelegationDef, &ServiceCore)| {
        (
            d.code.to_string(),
            num(c.training),
            num(c.it),
            num(c.crisis),
        )
    };
    let accounts = DemoAccounts {
        admin: num(cores[HQ].admin.expect("headquarters has an admin")),
        formation: num(cores[HQ].training),
        informatique: num(cores[PACA].it),
        correspondant: num(correspondant),
        manager: num(manager),
        agent: num(agent),
        crise: num(cores[PACA].crisis),
        correspondant_unit: units[corr_unit].code.clone(),
        informatique_delegation: DELEGATIONS[PACA].code.to_string(),
        role_holders: DELEGATIONS.iter().zip(&cores).map(holders).collect(),
    };

    let units_csv = csv_text(
        UNITS_HEADER,
        units.iter().map(|u| {
            let d = DELEGATIONS[u.delegation].code.to_string();
            vec![u.code.clone(), u.name.clone(), d, u.partners.join("|")]
        }),
    );
    let mut order: Vec<&Person> = g.people.iter().collect();
    order.sort_by_key(|p| p.number);
    let people_csv = csv_text(
        PEOPLE_HEADER,
        order.into_iter().map(|p| {
            vec![
                employee(p.number),
                p.email.clone(),
                p.first.to_string(),
                p.last.to_string(),
                units[p.unit].code.clone(),
                p.team.clone(),
                p.manager.map(num).unwrap_or_default(),
                p.job.to_string(),
                p.supervisor.map(num).unwrap_or_default(),
                p.language.to_string(),
            ]
        }),
    );
    let delegations = DELEGATIONS.iter().map(|d| DemoDelegation {
        code: d.code.to_string(),
        name: d.name.to_string(),
        sites: d
            .sites
            .iter()
            .map(|s| (s.name.to_string(), s.city.to_string()))
            .collect(),
    });
    let delegations = delegations.collect();
    DemoDirectory {
        delegations,
        units_csv,
        people_csv,
        accounts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = HashMap<String, String>;

    fn parse(text: &str) -> Vec<Row> {
        let mut r = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.as_bytes());
        let headers: Vec<String> = r
            .headers()
            .expect("header")
            .iter()
            .map(String::from)
            .collect();
        let rows = r.records().map(|rec| rec.expect("valid record"));
        rows.map(|rec| {
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
    }

    fn by_number(people: &[Row]) -> HashMap<&str, &Row> {
        people
            .iter()
            .map(|p| (p["employee_number"].as_str(), p))
            .collect()
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        assert_eq!(generate(7, 3_000), generate(7, 3_000));
        assert_ne!(generate(7, 3_000).people_csv, generate(8, 3_000).people_csv);
    }

    #[test]
    fn exact_row_counts_and_headers() {
        for n in [MIN_PEOPLE, 200, 1_000, 15_000] {
            let demo = generate(1, n);
            assert!(demo.people_csv.starts_with(&format!("{PEOPLE_HEADER}\n")));
            assert!(demo.people_csv.contains(";manager_employee_number;"));
            assert!(demo.units_csv.starts_with(&format!("{UNITS_HEADER}\n")));
            assert_eq!(parse(&demo.people_csv).len(), n, "people = {n}");
        }
    }

    #[test]
    #[should_panic(expected = "at least")]
    fn too_few_people_is_refused() {
        generate(1, MIN_PEOPLE - 1);
    }

    #[test]
    fn people_are_consistent() {
        for n in [MIN_PEOPLE, 200, 15_000] {
            let demo = generate(42, n);
            let people = parse(&demo.people_csv);
            let units: HashSet<String> = parse(&demo.units_csv)
                .into_iter()
                .map(|u| u["code"].clone())
                .collect();
            let index = by_number(&people);
            assert_eq!(index.len(), n, "employee numbers are unique");
            let emails: HashSet<&str> = people.iter().map(|p| p["email"].as_str()).collect();
            assert_eq!(emails.len(), n, "emails are unique");
            for p in &people {
                let number = &p["employee_number"];
                assert!(number.len() == 7 && number.starts_with('E'));
                assert!(number[1..].bytes().all(|b| b.is_ascii_digit()));
                let (local, domain) = p["email"].split_once('@').expect("email");
                assert_eq!(domain, EMAIL_DOMAIN);
                let ascii = |b: u8| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-');
                assert!(local.bytes().all(ascii), "{local}");
                assert!(units.contains(&p["unit_code"]));
                assert!(RESEARCH_JOBS.iter().any(|(j, _)| *j == p["job_category"]));
                assert!(["", "en", "fr"].contains(&p["language"].as_str()));
                let manager = &p["manager_employee_number"];
                assert_ne!(manager, number, "nobody manages themselves");
                assert!(
                    manager.is_empty() || index.contains_key(manager.as_str()),
                    "{manager}"
                );
                let sup = &p["phd_supervisor"];
                if p["job_category"] == "Doctorant" {
                    let s = index[sup.as_str()];
                    assert_eq!(
                        (&s["job_category"], &s["unit_code"]),
                        (&"Chercheur".into(), &p["unit_code"])
                    );
                } else {
                    assert!(sup.is_empty());
                }
                // The chain of managers ends.
                let mut current = p;
                for _ in 0..=n {
                    match current["manager_employee_number"].as_str() {
                        "" => break,
                        m => current = index[m],
                    }
                }
                assert!(
                    current["manager_employee_number"].is_empty(),
                    "cycle above {number}"
                );
            }
        }
    }

    #[test]
    fn realistic_proportions() {
        let people = parse(&generate(3, 15_000).people_csv);
        let share =
            |f: &dyn Fn(&Row) -> bool| people.iter().filter(|p| f(p)).count() as f64 / 15_000.0;
        let phd = share(&|p| p["job_category"] == "Doctorant");
        assert!((0.10..0.14).contains(&phd), "doctorants {phd}");
        let en = share(&|p| p["language"] == "en");
        assert!((0.03..0.07).contains(&en), "english {en}");
        let martin = share(&|p| p["last_name"] == "Martin");
        assert!(martin > 0.005, "Martin is common: {martin}");
        let suffixed = share(&|p| p["email"].contains(|c: char| c.is_ascii_digit()));
        assert!(suffixed > 0.0, "homonyms get a numbered email");
    }

    #[test]
    fn units_and_delegations() {
        let demo = generate(5, 500);
        assert_eq!(demo.delegations.len(), 13);
        assert!(
            demo.delegations
                .iter()
                .all(|d| (1..=3).contains(&d.sites.len()))
        );
        let units = parse(&demo.units_csv);
        assert!((280..=320).contains(&units.len()), "{} units", units.len());
        let codes: HashSet<&str> = units.iter().map(|u| u["code"].as_str()).collect();
        assert_eq!(codes.len(), units.len(), "unit codes are unique");
        let names: HashSet<&str> = units.iter().map(|u| u["name"].as_str()).collect();
        assert_eq!(names.len(), units.len(), "unit names are unique");
        let used: HashSet<&str> = units.iter().map(|u| u["delegation"].as_str()).collect();
        assert_eq!(used.len(), 13);
        for d in &demo.delegations {
            assert!(used.contains(d.code.as_str()), "{} has units", d.code);
            assert!(
                codes.contains(format!("{}-SG", d.code).as_str()),
                "{} has services",
                d.code
            );
        }
        let research: Vec<&Row> = units
            .iter()
            .filter(|u| u["code"].starts_with('U'))
            .collect();
        let joint = research
            .iter()
            .filter(|u| !u["partners"].is_empty())
            .count();
        let joint = joint as f64 / research.len() as f64;
        assert!((0.28..0.40).contains(&joint), "joint share {joint}");
        for u in &research {
            assert_eq!(
                u["partners"].is_empty(),
                !u["code"].starts_with("UMR"),
                "{}",
                u["code"]
            );
        }
    }

    #[test]
    fn fixed_accounts() {
        for n in [MIN_PEOPLE, 15_000] {
            let demo = generate(11, n);
            let people = parse(&demo.people_csv);
            let index = by_number(&people);
            let a = &demo.accounts;
            let get = |number: &str, local: &str| {
                let p = index[number];
                assert_eq!(p["email"], format!("{local}@{EMAIL_DOMAIN}"));
                assert!(!p["first_name"].is_empty() && !p["last_name"].is_empty());
                p
            };
            assert_eq!(get(&a.admin, "admin")["unit_code"], "DR-PARIS5-SG");
            assert_eq!(get(&a.formation, "formation")["unit_code"], "DR-PARIS5-SG");
            assert_eq!(a.informatique_delegation, "DR-PACA");
            assert_eq!(
                get(&a.informatique, "informatique")["unit_code"],
                "DR-PACA-SG"
            );
            assert_eq!(get(&a.crise, "crise")["unit_code"], "DR-PACA-SG");
            let units = parse(&demo.units_csv);
            let unit = units
                .iter()
                .find(|u| u["code"] == a.correspondant_unit)
                .expect("unit");
            assert_eq!(unit["delegation"], "DR-PACA");
            assert!(!unit["code"].ends_with("-SG"));
            assert_eq!(
                get(&a.correspondant, "correspondant")["unit_code"],
                a.correspondant_unit
            );
            let manager = get(&a.manager, "manager");
            assert_eq!(manager["unit_code"], a.correspondant_unit);
            assert_eq!(manager["job_category"], "Chercheur");
            assert!(
                !manager["manager_employee_number"].is_empty(),
                "manager is not the director"
            );
            let supervised = |p: &&Row| {
                p["phd_supervisor"] == a.manager && p["manager_employee_number"] == a.manager
            };
            assert!(people.iter().filter(supervised).count() >= 2);
            let agent = get(&a.agent, "agent");
            assert_eq!(agent["manager_employee_number"], a.manager);
            assert_eq!(agent["team"], manager["team"]);
            assert_eq!(a.role_holders.len(), 13);
            for (code, t, it, cc) in &a.role_holders {
                assert!(t != it && it != cc && t != cc);
                for n in [t, it, cc] {
                    assert_eq!(index[n.as_str()]["unit_code"], format!("{code}-SG"));
                }
            }
            let paca = a
                .role_holders
                .iter()
                .find(|r| r.0 == "DR-PACA")
                .expect("paca");
            assert_eq!((&paca.2, &paca.3), (&a.informatique, &a.crise));
        }
    }

    #[test]
    fn folding() {
        assert_eq!(ascii_fold("Jean-François"), "jean-francois");
        assert_eq!(ascii_fold("N'Diaye"), "n-diaye");
        assert_eq!(ascii_fold("Le Gall"), "le-gall");
        assert_eq!(ascii_fold("Müller"), "muller");
        assert_eq!(ascii_fold("Maëlle"), "maelle");
        assert_eq!(de("Angers"), "d'Angers");
        assert_eq!(de("Le Kremlin-Bicêtre"), "du Kremlin-Bicêtre");
        assert_eq!(de("Lyon"), "de Lyon");
    }

    #[test]
    fn scales_to_the_video_conference_headcount() {
        assert_eq!(parse(&generate(9, 27_000).people_csv).len(), 27_000);
    }
}
