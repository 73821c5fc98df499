//! A minimal ISO 9660 image: one root directory of small files, as cloud-init's NoCloud
//! datasource reads it (a filesystem labelled `cidata` holding `user-data` and `meta-data`).
//! No Rock Ridge or Joliet: Linux shows plain ISO 9660 names in lower case without their
//! `;1`, which is all the seed needs. Written whole in memory: a seed is a few KiB.

const SECTOR: usize = 2048;
/// Sectors 0-15 are the system area; the volume descriptors follow.
const PVD_SECTOR: usize = 16;
const TERMINATOR_SECTOR: usize = 17;
const L_PATH_TABLE_SECTOR: usize = 18;
const M_PATH_TABLE_SECTOR: usize = 19;
const ROOT_SECTOR: usize = 20;

/// A file of the image: its ISO 9660 name (`USER-DATA.;1` shows as `user-data`) and bytes.
pub struct File<'a> {
    pub name: &'a str,
    pub data: &'a [u8],
}

/// The image of a volume labelled `label` holding `files` in its root directory. The files
/// must fit the root's one sector (a seed has two or three).
pub fn image(label: &str, files: &[File]) -> Vec<u8> {
    let mut first_free = ROOT_SECTOR + 1;
    let mut extents = Vec::new();
    for file in files {
        extents.push(first_free);
        first_free += file.data.len().div_ceil(SECTOR).max(1);
    }
    let total = first_free;
    let mut iso = vec![0u8; total * SECTOR];

    let mut root = Vec::new();
    root.extend(dir_record(&[0], ROOT_SECTOR, SECTOR, true));
    root.extend(dir_record(&[1], ROOT_SECTOR, SECTOR, true));
    for (file, &extent) in files.iter().zip(&extents) {
        root.extend(dir_record(
            file.name.as_bytes(),
            extent,
            file.data.len(),
            false,
        ));
        iso[extent * SECTOR..][..file.data.len()].copy_from_slice(file.data);
    }
    assert!(
        root.len() <= SECTOR,
        "the seed's files fit one directory sector"
    );
    iso[ROOT_SECTOR * SECTOR..][..root.len()].copy_from_slice(&root);

    // The path table: the root alone (number 1, its own parent).
    let mut l_table = vec![1u8, 0];
    l_table.extend((ROOT_SECTOR as u32).to_le_bytes());
    l_table.extend(1u16.to_le_bytes());
    l_table.extend([0, 0]);
    let mut m_table = vec![1u8, 0];
    m_table.extend((ROOT_SECTOR as u32).to_be_bytes());
    m_table.extend(1u16.to_be_bytes());
    m_table.extend([0, 0]);
    iso[L_PATH_TABLE_SECTOR * SECTOR..][..l_table.len()].copy_from_slice(&l_table);
    iso[M_PATH_TABLE_SECTOR * SECTOR..][..m_table.len()].copy_from_slice(&m_table);

    let pvd = primary_descriptor(label, total, l_table.len());
    iso[PVD_SECTOR * SECTOR..][..SECTOR].copy_from_slice(&pvd);
    let terminator = &mut iso[TERMINATOR_SECTOR * SECTOR..][..7];
    terminator.copy_from_slice(&[255, b'C', b'D', b'0', b'0', b'1', 1]);
    iso
}

fn both_u32(v: u32) -> [u8; 8] {
    let mut b = [0u8; 8];
    b[..4].copy_from_slice(&v.to_le_bytes());
    b[4..].copy_from_slice(&v.to_be_bytes());
    b
}

fn both_u16(v: u16) -> [u8; 4] {
    let mut b = [0u8; 4];
    b[..2].copy_from_slice(&v.to_le_bytes());
    b[2..].copy_from_slice(&v.to_be_bytes());
    b
}

/// A directory record (ECMA-119 9.1), padded to an even length; dated 2000-01-01.
fn dir_record(name: &[u8], extent: usize, len: usize, directory: bool) -> Vec<u8> {
    let mut r = vec![0u8; 33];
    r[1] = 0;
    r[2..10].copy_from_slice(&both_u32(extent as u32));
    r[10..18].copy_from_slice(&both_u32(len as u32));
    r[18..25].copy_from_slice(&[100, 1, 1, 0, 0, 0, 0]);
    r[25] = if directory { 2 } else { 0 };
    r[28..32].copy_from_slice(&both_u16(1));
    r[32] = name.len() as u8;
    r.extend_from_slice(name);
    if r.len() % 2 == 1 {
        r.push(0);
    }
    r[0] = r.len() as u8;
    r
}

/// The primary volume descriptor (ECMA-119 8.4).
fn primary_descriptor(label: &str, sectors: usize, path_table_len: usize) -> Vec<u8> {
    let mut d = vec![0u8; SECTOR];
    d[0] = 1;
    d[1..6].copy_from_slice(b"CD001");
    d[6] = 1;
    let padded = |field: &mut [u8], text: &str| {
        field.fill(b' ');
        let n = text.len().min(field.len());
        field[..n].copy_from_slice(&text.as_bytes()[..n]);
    };
    padded(&mut d[8..40], "LINUX");
    padded(&mut d[40..72], label);
    d[80..88].copy_from_slice(&both_u32(sectors as u32));
    d[120..124].copy_from_slice(&both_u16(1));
    d[124..128].copy_from_slice(&both_u16(1));
    d[128..132].copy_from_slice(&both_u16(SECTOR as u16));
    d[132..140].copy_from_slice(&both_u32(path_table_len as u32));
    d[140..144].copy_from_slice(&(L_PATH_TABLE_SECTOR as u32).to_le_bytes());
    d[148..152].copy_from_slice(&(M_PATH_TABLE_SECTOR as u32).to_be_bytes());
    d[156..190].copy_from_slice(&dir_record(&[0], ROOT_SECTOR, SECTOR, true));
    for field in [
        190..318,
        318..446,
        446..574,
        574..702,
        702..739,
        739..776,
        776..813,
    ] {
        padded(&mut d[field], "");
    }
    // Creation, modification, expiration and effective dates: "not specified".
    for start in [813, 830, 847, 864] {
        d[start..start + 16].fill(b'0');
        d[start + 16] = 0;
    }
    d[881] = 1;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The name and bytes of every file in the root directory, read as a reader would.
    fn read_root(iso: &[u8]) -> Vec<(String, Vec<u8>)> {
        let pvd = &iso[PVD_SECTOR * SECTOR..];
        let root_extent = u32::from_le_bytes(pvd[158..162].try_into().unwrap()) as usize;
        let dir = &iso[root_extent * SECTOR..][..SECTOR];
        let mut files = Vec::new();
        let mut at = 0;
        while at < dir.len() && dir[at] != 0 {
            let r = &dir[at..at + dir[at] as usize];
            let name = &r[33..33 + r[32] as usize];
            if r[25] & 2 == 0 {
                let extent = u32::from_le_bytes(r[2..6].try_into().unwrap()) as usize;
                let len = u32::from_le_bytes(r[10..14].try_into().unwrap()) as usize;
                let data = iso[extent * SECTOR..][..len].to_vec();
                files.push((String::from_utf8(name.to_vec()).unwrap(), data));
            }
            at += r.len();
        }
        files
    }

    #[test]
    fn files_and_label_read_back() {
        let big = vec![b'x'; 5000];
        let iso = image(
            "cidata",
            &[
                File {
                    name: "META-DATA.;1",
                    data: b"instance-id: a\n",
                },
                File {
                    name: "USER-DATA.;1",
                    data: &big,
                },
            ],
        );
        assert_eq!(iso.len() % SECTOR, 0);
        assert_eq!(&iso[PVD_SECTOR * SECTOR + 1..][..5], b"CD001");
        assert_eq!(&iso[PVD_SECTOR * SECTOR + 40..][..8], b"cidata  ");
        let sectors = u32::from_le_bytes(iso[PVD_SECTOR * SECTOR + 80..][..4].try_into().unwrap());
        assert_eq!(sectors as usize * SECTOR, iso.len());
        let files = read_root(&iso);
        assert_eq!(
            files[0],
            ("META-DATA.;1".into(), b"instance-id: a\n".to_vec())
        );
        assert_eq!(files[1].1, big, "a file over one sector comes back whole");
        assert_eq!(iso[TERMINATOR_SECTOR * SECTOR], 255);
    }
}
