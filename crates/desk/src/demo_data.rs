//! Demo texts for the desk, generated from templates: about 150 knowledge
//! base articles in French on what teleworkers ran into during the 2020
//! lockdown (home boxes, connections, VPN, video conferencing, passwords,
//! the national application), and the requests they sent. Pure computation.

use rand::Rng;
use rand::seq::IndexedRandom;

/// An article to load: title, Markdown body, category, audience.
pub struct DemoArticle {
    pub title: String,
    pub body: String,
    pub category: &'static str,
    pub audience: &'static str,
}

const OPERATORS: &[&str] = &[
    "Orange (Livebox)",
    "Free (Freebox)",
    "SFR (Box SFR)",
    "Bouygues (Bbox)",
    "Red by SFR",
    "Sosh",
    "un opérateur local",
    "une box 4G",
];
const TOOLS: &[&str] = &[
    "Zoom",
    "Teams",
    "Renater Rendez-vous",
    "BigBlueButton",
    "Webex",
    "Jitsi",
];
const SYSTEMS: &[&str] = &[
    "Windows 10",
    "macOS",
    "Ubuntu",
    "un portable de l'institut",
    "un ordinateur personnel",
];

fn box_article(op: &str, variant: usize) -> DemoArticle {
    let (title, steps) = match variant {
        0 => (
            format!("Ma box internet ne marche plus : premières vérifications ({op})"),
            "1. Vérifiez que la box est allumée et que ses voyants sont fixes.\n2. Débranchez-la trente secondes, puis rebranchez-la.\n3. Attendez cinq minutes que la synchronisation se fasse.\n4. Si le voyant internet reste rouge, appelez le service client de votre opérateur : la panne vient souvent de la ligne.",
        ),
        1 => (
            format!("Redémarrer sa box {op} sans perdre ses réglages"),
            "Le bouton de redémarrage ne remet pas la box à zéro : vos réglages wifi sont conservés.\n\n- Appuyez brièvement sur le bouton marche/arrêt.\n- N'appuyez **jamais** longuement sur le bouton *reset*, qui efface la configuration.",
        ),
        _ => (
            format!("Le wifi de la box {op} se coupe souvent"),
            "Rapprochez l'ordinateur de la box, évitez les murs épais et les micro-ondes. Si possible, branchez un câble Ethernet : c'est la connexion la plus stable pour les visioconférences.",
        ),
    };
    DemoArticle {
        body: format!(
            "## Symptômes\n\nPlus d'internet à la maison, ou une connexion qui va et vient.\n\n## Que faire\n\n{steps}\n\n## Si cela ne suffit pas\n\nFaites une demande au support en précisant votre opérateur ({op})."
        ),
        title,
        category: "home_box",
        audience: "public",
    }
}

fn connection_article(i: usize) -> DemoArticle {
    let topics = [
        (
            "Connexion lente à domicile : mesurer son débit",
            "Mesurez votre débit avec le test de votre opérateur, à plusieurs moments de la journée. En dessous de 2 Mbit/s montants, coupez la caméra pendant les réunions.",
        ),
        (
            "Partager la connexion en famille pendant le confinement",
            "Enfants en cours à distance, conjoint en télétravail : planifiez les réunions importantes, coupez les téléchargements et les vidéos en haute définition pendant vos visioconférences.",
        ),
        (
            "Utiliser son téléphone en partage de connexion (4G)",
            "Activez le partage de connexion de votre téléphone. Attention au forfait : une heure de visioconférence consomme environ 500 Mo.",
        ),
        (
            "Les coupures de connexion pendant les visioconférences",
            "Une connexion instable coupe d'abord la vidéo. Passez en audio seul, ou rejoignez la réunion par téléphone.",
        ),
        (
            "Câble Ethernet ou wifi : que choisir ?",
            "Le câble est plus stable et plus rapide. Le wifi suffit pour la messagerie, moins pour la visioconférence et le VPN.",
        ),
    ];
    let (t, b) = topics[i % topics.len()];
    let sys = SYSTEMS[(i / 5) % SYSTEMS.len()];
    DemoArticle {
        title: format!("{t} ({sys})"),
        body: format!("{b}\n\nCes conseils valent pour {sys}."),
        category: "home_connection",
        audience: "public",
    }
}

fn videoconf_article(tool: &str, i: usize) -> DemoArticle {
    let topics = [
        (
            "Pas de son ni de micro dans {tool}",
            "Vérifiez dans les réglages de {tool} que le bon micro et le bon haut-parleur sont choisis. Fermez les autres applications qui utilisent le micro.",
        ),
        (
            "La caméra ne s'affiche pas dans {tool}",
            "Autorisez {tool} à utiliser la caméra dans les réglages de confidentialité du système, puis redémarrez l'application.",
        ),
        (
            "Organiser une réunion à plus de 50 personnes avec {tool}",
            "Pour les grandes réunions, coupez les micros des participants à l'entrée et utilisez la conversation écrite pour les questions.",
        ),
        (
            "Partager son écran dans {tool}",
            "Choisissez la fenêtre à partager plutôt que tout l'écran, pour ne pas montrer vos messages.",
        ),
        (
            "Se connecter à {tool} avec son compte de l'institut",
            "Utilisez votre identifiant de l'institut ; les 27 000 comptes de visioconférence ont été créés pendant le confinement.",
        ),
    ];
    let (t, b) = topics[i % topics.len()];
    DemoArticle {
        title: t.replace("{tool}", tool),
        body: b.replace("{tool}", tool),
        category: "videoconf",
        audience: if i % 4 == 3 { "agents" } else { "public" },
    }
}

fn vpn_article(i: usize) -> DemoArticle {
    let topics = [
        (
            "Installer le client VPN sur {sys}",
            "Téléchargez le client depuis l'intranet, installez-le, puis saisissez l'adresse de la passerelle de votre délégation.",
        ),
        (
            "Le VPN se connecte mais je n'accède pas aux partages réseau",
            "Vérifiez que le VPN est bien connecté (icône verte), puis reconnectez les lecteurs réseau. Sous {sys}, un redémarrage suffit souvent.",
        ),
        (
            "Le VPN refuse mon mot de passe",
            "Votre mot de passe a peut-être expiré pendant la campagne de renouvellement : changez-le depuis l'intranet, puis réessayez.",
        ),
        (
            "Le VPN se coupe toutes les heures",
            "La coupure est souvent due à la mise en veille : désactivez la veille du wifi sur {sys}.",
        ),
        (
            "VPN et visioconférence : faut-il couper le VPN ?",
            "Oui : les visioconférences passent mieux sans le VPN. Coupez-le pendant la réunion, puis rallumez-le.",
        ),
    ];
    let (t, b) = topics[i % topics.len()];
    let sys = SYSTEMS[(i / 5) % SYSTEMS.len()];
    let title = if t.contains("{sys}") {
        t.replace("{sys}", sys)
    } else {
        format!("{t} ({sys})")
    };
    DemoArticle {
        title,
        body: b.replace("{sys}", sys),
        category: "vpn",
        audience: "agents",
    }
}

fn account_article(i: usize) -> DemoArticle {
    let topics = [
        (
            "Mot de passe oublié : le réinitialiser",
            "Utilisez le lien « mot de passe oublié » de la page de connexion ; un courriel vous donne un lien valable une heure.",
        ),
        (
            "Campagne de renouvellement des mots de passe",
            "Votre mot de passe expire tous les ans. Un courriel vous prévient quinze jours avant ; changez-le depuis l'intranet.",
        ),
        (
            "Compte verrouillé après plusieurs erreurs",
            "Après cinq erreurs, le compte est bloqué quinze minutes. Attendez, puis réessayez avec le bon mot de passe.",
        ),
        (
            "Choisir un bon mot de passe",
            "Une phrase de plusieurs mots est plus sûre et plus facile à retenir qu'un mot compliqué.",
        ),
        (
            "Messages d'hameçonnage : ne donnez jamais votre mot de passe",
            "L'équipe informatique ne vous demandera jamais votre mot de passe par courriel. Signalez les messages suspects.",
        ),
    ];
    let (t, b) = topics[i % topics.len()];
    DemoArticle {
        title: if i < topics.len() {
            t.to_string()
        } else {
            format!("{t} (rappel {})", i / topics.len() + 1)
        },
        body: b.to_string(),
        category: "account",
        audience: "public",
    }
}

fn national_app_article(i: usize) -> DemoArticle {
    let topics = [
        (
            "Application nationale : se connecter avec sa carte professionnelle",
            "Insérez votre carte dans le lecteur, puis choisissez « connexion par carte ». Le code est celui de votre carte.",
        ),
        (
            "Application nationale : le certificat ne peut pas être validé",
            "Vérifiez que tous les champs obligatoires sont remplis ; la date et l'heure du décès ne peuvent pas être dans le futur.",
        ),
        (
            "Application nationale : imprimer le volet administratif",
            "Après validation, le bouton « imprimer » produit un PDF à remettre à la famille.",
        ),
        (
            "Application nationale : navigateurs pris en charge",
            "Utilisez une version récente de Firefox, Chrome ou Edge ; les anciens navigateurs ne sont plus pris en charge.",
        ),
        (
            "Application nationale : la session expire trop vite",
            "La session se ferme après vingt minutes sans action : enregistrez un brouillon si vous êtes interrompu.",
        ),
    ];
    let (t, b) = topics[i % topics.len()];
    DemoArticle {
        title: if i < topics.len() {
            t.to_string()
        } else {
            format!("{t} — cas {}", i / topics.len() + 1)
        },
        body: b.to_string(),
        category: "national_app",
        audience: "public",
    }
}

fn hardware_article(i: usize) -> DemoArticle {
    let topics = [
        (
            "Emprunter un portable pour télétravailler",
            "Les portables disponibles sont prêtés contre signature ; demandez-en un au support en précisant votre besoin.",
        ),
        (
            "Brancher deux écrans sur son portable",
            "Utilisez une station d'accueil ou un adaptateur ; un aménagement de poste peut être demandé au support.",
        ),
        (
            "Mon portable ne démarre plus",
            "Branchez le chargeur pendant une heure, puis maintenez le bouton d'alimentation quinze secondes.",
        ),
    ];
    let (t, b) = topics[i % topics.len()];
    DemoArticle {
        title: if i < topics.len() {
            t.to_string()
        } else {
            format!("{t} ({})", SYSTEMS[i % SYSTEMS.len()])
        },
        body: b.to_string(),
        category: "hardware",
        audience: "agents",
    }
}

/// About 150 articles, in a fixed order.
pub fn articles() -> Vec<DemoArticle> {
    let mut out = Vec::new();
    for (i, op) in OPERATORS.iter().enumerate() {
        for v in 0..3 {
            out.push(box_article(op, (v + i) % 3));
        }
    }
    for i in 0..20 {
        out.push(connection_article(i));
    }
    for (t, tool) in TOOLS.iter().enumerate() {
        for i in 0..5 {
            out.push(videoconf_article(tool, i + t));
        }
    }
    for i in 0..20 {
        out.push(vpn_article(i));
    }
    for i in 0..15 {
        out.push(account_article(i));
    }
    for i in 0..25 {
        out.push(national_app_article(i));
    }
    for i in 0..16 {
        out.push(hardware_article(i));
    }
    out.push(DemoArticle {
        title: "Procédure interne : prise en main à distance".into(),
        body: "Demandez toujours l'accord de l'utilisateur, notez l'outil et le code de session dans la demande.".into(),
        category: "other",
        audience: "it_staff",
    });
    out
}

/// A request as an agent would write it: (subject, description, category).
pub fn request(rng: &mut impl Rng) -> (String, String, &'static str) {
    const LINES: &[(&str, &str, &str)] = &[
        (
            "Ma box ne marche plus",
            "Depuis ce matin plus d'internet, le voyant de la box clignote en rouge.",
            "home_box",
        ),
        (
            "Box internet en panne",
            "La box redémarre toute seule plusieurs fois par heure.",
            "home_box",
        ),
        (
            "Connexion très lente",
            "Impossible de télécharger les fichiers du serveur, tout est lent depuis lundi.",
            "home_connection",
        ),
        (
            "Coupures pendant les réunions",
            "Ma connexion coupe pendant les visioconférences avec l'équipe.",
            "home_connection",
        ),
        (
            "Pas de son en visio",
            "Les autres ne m'entendent pas dans Zoom, le micro semble coupé.",
            "videoconf",
        ),
        (
            "Caméra noire dans Teams",
            "La caméra reste noire alors qu'elle marche dans les autres logiciels.",
            "videoconf",
        ),
        (
            "Compte de visioconférence",
            "Je n'ai pas reçu mes identifiants pour Rendez-vous.",
            "videoconf",
        ),
        (
            "VPN impossible",
            "Le VPN refuse ma connexion avec le message « authentification échouée ».",
            "vpn",
        ),
        (
            "Lecteurs réseau inaccessibles",
            "Le VPN est connecté mais je ne vois pas le partage de l'équipe.",
            "vpn",
        ),
        (
            "Mot de passe expiré",
            "Mon mot de passe a expiré et je ne peux plus me connecter depuis chez moi.",
            "account",
        ),
        (
            "Compte verrouillé",
            "Mon compte est bloqué après plusieurs essais.",
            "account",
        ),
        (
            "Besoin d'un portable",
            "Je n'ai pas d'ordinateur à la maison pour télétravailler.",
            "hardware",
        ),
        (
            "Deux écrans pour raison médicale",
            "J'ai besoin de deux grands écrans tous les jours, comme au bureau.",
            "hardware",
        ),
        (
            "Imprimante à domicile",
            "Comment imprimer depuis mon portable de l'institut sur mon imprimante personnelle ?",
            "other",
        ),
    ];
    let (s, d, c) = LINES.choose(rng).copied().unwrap_or(LINES[0]);
    (s.to_string(), d.to_string(), c)
}

/// The external callers of the national application's hotline.
pub fn callers() -> Vec<(String, String, String)> {
    const FIRST: &[&str] = &[
        "Claire", "Marc", "Sophie", "Jean", "Nadia", "Paul", "Isabelle", "Karim", "Anne", "Luc",
    ];
    const LAST: &[&str] = &[
        "Dubois", "Moreau", "Lefebvre", "Garcia", "Roux", "Fournier", "Girard", "Bonnet", "Dupuis",
        "Lambert",
    ];
    const PLACES: &[&str] = &[
        "Cabinet médical",
        "Centre hospitalier",
        "Clinique",
        "EHPAD",
        "SAMU",
    ];
    (0..40)
        .map(|i| {
            let f = FIRST[i % FIRST.len()];
            let l = LAST[(i * 7 + 3) % LAST.len()];
            (
                format!("Dr {f} {l}"),
                format!(
                    "{}.{}{}@sante.example",
                    f.to_lowercase(),
                    l.to_lowercase(),
                    i
                ),
                format!("{} {}", PLACES[i % PLACES.len()], l),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn about_150_distinct_articles() {
        let a = super::articles();
        assert!((140..=170).contains(&a.len()), "{}", a.len());
        let mut titles: Vec<&str> = a.iter().map(|a| a.title.as_str()).collect();
        titles.sort();
        titles.dedup();
        assert_eq!(titles.len(), a.len());
    }
}
